using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Throttling.Analyzers.Infrastructure;

/// <summary>
/// Proves that a task has completed where its result is read, so reading it blocks nothing: it was awaited before on
/// every path (itself, or through <c>Task.WhenAll</c>/<c>WhenAny</c>) and not reassigned since; a check of
/// <c>IsCompleted</c>, <c>Status</c> or a successful <c>Wait(timeout)</c> guards the read (an <c>if</c>, an early exit, a
/// <c>switch</c> case, the left side of <c>&amp;&amp;</c>); it is a <c>ContinueWith</c> antecedent, a query filtered to completed
/// tasks, or a completed task by construction (<c>Task.FromResult</c>, <c>Task.CompletedTask</c>).
/// </summary>
internal sealed class TaskCompletionProof
{
    private readonly AsyncSymbols _symbols;

    public TaskCompletionProof(AsyncSymbols symbols) => _symbols = symbols;

    /// <summary>Whether <paramref name="task"/> has provably completed when <paramref name="use"/> runs.</summary>
    public bool IsComplete(IOperation task, IOperation use) => IsComplete(task, use, followCallers: true);

    private bool IsComplete(IOperation task, IOperation use, bool followCallers)
    {
        IOperation value = OperationScope.Unwrap(task);

        // valueTask.Preserve() and valueTask.AsTask() complete when the task they wrap does.
        if (value is IInvocationOperation { TargetMethod.Name: "Preserve" or "AsTask", Instance: { } wrapped } wrapping
            && _symbols.IsTaskLike(wrapping.TargetMethod.ContainingType))
        {
            value = OperationScope.Unwrap(wrapped);
        }
        if (IsCompletedByConstruction(value) || IsContinuationAntecedent(value) || IsFilteredToCompleted(value))
        {
            return true;
        }

        ISymbol? symbol = OperationScope.ReferencedSymbol(value);
        if (symbol is ILocalSymbol local && OperationScope.InitialValue(local, use) is { } initial
            && (IsCompletedByConstruction(OperationScope.Unwrap(initial)) || IsAwaitedWhenAny(OperationScope.Unwrap(initial))))
        {
            return true;
        }

        ISymbol? collection = CollectionOf(value, out IOperation? query);
        if (symbol is null && collection is null)
        {
            return false;
        }

        // For tasks.Select(t => t.Result) the proofs that count are those before the query, outside its lambda.
        IOperation at = query ?? use;
        if (IsProven(symbol, collection, at))
        {
            return true;
        }

        // (t is Task<int> typed) ... typed.Result: what proves t proves typed.
        if (PatternSource(symbol, at) is { } source && IsProven(source, null, at))
        {
            return true;
        }

        return followCallers && symbol is IParameterSymbol parameter && EveryCallerPassesComplete(parameter, use);
    }

    // A private method whose every call in its (single-file) type passes a task proven complete at the call site, never
    // reassigned inside: if (t.IsCompleted) Forward(t); else t.ContinueWith(done => Forward(done)).
    private bool EveryCallerPassesComplete(IParameterSymbol parameter, IOperation use)
    {
        if (parameter.ContainingSymbol is not IMethodSymbol { MethodKind: MethodKind.Ordinary, DeclaredAccessibility: Accessibility.Private } method
            || OperationScope.EnclosingFunction(use) is not null
            || use.SemanticModel is not { } model
            || !method.ContainingType.DeclaringSyntaxReferences.All(r => r.SyntaxTree == use.Syntax.SyntaxTree)
            || OperationScope.OwnDescendants(OperationScope.FunctionBody(use)).Any(o => OperationScope.Writes(o, parameter)))
        {
            return false;
        }

        bool called = false;
        foreach (SimpleNameSyntax name in use.Syntax.SyntaxTree.GetRoot().DescendantNodes().OfType<SimpleNameSyntax>())
        {
            if (name.Identifier.ValueText != method.Name
                || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name).Symbol?.OriginalDefinition, method))
            {
                continue;
            }

            SyntaxNode callee = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
            if (callee.Parent is not InvocationExpressionSyntax call
                || model.GetOperation(call) is not IInvocationOperation invocation
                || invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == parameter.Ordinal) is not { } argument
                || !IsComplete(argument.Value, invocation, followCallers: false))
            {
                return false;
            }

            called = true;
        }

        return called;
    }

    private bool IsProven(ISymbol? symbol, ISymbol? collection, IOperation use)
    {
        if (symbol is not null && IsShortCircuitGuarded(symbol, use))
        {
            return true;
        }

        IOperation body = OperationScope.FunctionBody(use);
        foreach (IOperation earlier in OperationScope.OwnDescendants(body))
        {
            bool proves = earlier switch
            {
                IAwaitOperation awaited => Completes(awaited, symbol, collection) && (OperationScope.Dominates(awaited, use) || OpensTryBefore(awaited, use)),
                IInvocationOperation assertion => symbol is not null && IsAssertedComplete(assertion, use, symbol),
                IConditionalOperation guard => symbol is not null && IsGuardedBy(guard, use, symbol),
                ISwitchOperation choice => symbol is not null && IsInCompletedCase(choice, use, symbol),
                ISwitchExpressionOperation choice => symbol is not null && IsInCompletedArm(choice, use, symbol),
                _ => false,
            };
            if (proves && !IsWrittenBetween(symbol, collection, earlier, use, body))
            {
                return true;
            }
        }

        return false;
    }

    // try { await t; ... } catch { ... } t.Result: an await throws only once its task has completed, so when it opens the
    // try, the task is complete after the try on every path.
    private static bool OpensTryBefore(IAwaitOperation awaited, IOperation use)
    {
        IOperation statement = awaited;
        while (statement.Parent is { } parent and not IBlockOperation)
        {
            statement = parent;
        }

        return statement.Parent is IBlockOperation { Parent: ITryOperation attempt } body
            && attempt.Body == body
            && body.Operations.Length > 0 && body.Operations[0] == statement
            && !attempt.Syntax.Span.Contains(use.Syntax.Span)
            && OperationScope.Dominates(attempt, use);
    }

    // Debug.Assert(t.IsCompleted): the author states the invariant the code relies on.
    private bool IsAssertedComplete(IInvocationOperation assertion, IOperation use, ISymbol symbol)
        => assertion.TargetMethod.Name == "Assert"
            && SymbolEqualityComparer.Default.Equals(assertion.TargetMethod.ContainingType, _symbols.Debug)
            && assertion.Arguments.Length > 0
            && ChecksCompletion(assertion.Arguments[0].Value, symbol) == true
            && OperationScope.Dominates(assertion, use);

    private bool IsCompletedByConstruction(IOperation value)
        => value is IInvocationOperation { TargetMethod: { Name: "FromResult" or "FromException" or "FromCanceled", IsStatic: true } factory }
                && _symbols.IsTaskLike(factory.ContainingType)
            || value is IPropertyReferenceOperation { Property: { Name: "CompletedTask", IsStatic: true } completed }
                && _symbols.IsTaskLike(completed.ContainingType)
            || value is IObjectCreationOperation { Arguments.Length: 1 } created
                && SymbolEqualityComparer.Default.Equals(created.Type?.OriginalDefinition, _symbols.ValueTaskOfT)
                && !_symbols.IsTaskLike(created.Arguments[0].Value.Type as INamedTypeSymbol);

    // await Task.WhenAny(a, b): the task it returns has completed.
    private bool IsAwaitedWhenAny(IOperation value)
        => value is IAwaitOperation awaited
            && OperationScope.Unwrap(awaited.Operation) is IInvocationOperation { TargetMethod: { Name: "WhenAny", IsStatic: true } whenAny }
            && SymbolEqualityComparer.Default.Equals(whenAny.ContainingType, _symbols.Task);

    // await t, await t.ConfigureAwait(false), or await Task.WhenAll(..., t, ...) / Task.WhenAll(tasks) for an element of tasks.
    private bool Completes(IAwaitOperation awaited, ISymbol? symbol, ISymbol? collection)
    {
        IOperation operand = OperationScope.Unwrap(awaited.Operation);
        if (operand is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } configured } && _symbols.IsTaskLike(configured.Type as INamedTypeSymbol))
        {
            operand = OperationScope.Unwrap(configured);
        }

        if (symbol is not null && SymbolEqualityComparer.Default.Equals(OperationScope.ReferencedSymbol(operand), symbol))
        {
            return true;
        }

        if (operand is not IInvocationOperation { TargetMethod: { Name: "WhenAll", IsStatic: true } whenAll } combined
            || !SymbolEqualityComparer.Default.Equals(whenAll.ContainingType, _symbols.Task))
        {
            return false;
        }

        foreach (IOperation argument in combined.Arguments.Select(a => OperationScope.Unwrap(a.Value)))
        {
            // Task.WhenAll(a, b) binds to params Task[] (an array creation) or, from .NET 9, to params
            // ReadOnlySpan<Task> (a collection expression, whose operation Roslyn 4.8 cannot name: read its children).
            IEnumerable<IOperation> elements = argument switch
            {
                IArrayCreationOperation { Initializer: { } initializer } => initializer.ElementValues,
                _ when OperationScope.ReferencedSymbol(argument) is null => argument.ChildOperations,
                _ => new[] { argument },
            };
            foreach (IOperation element in elements)
            {
                ISymbol? awaitedSymbol = OperationScope.ReferencedSymbol(element);
                if (awaitedSymbol is not null
                    && (SymbolEqualityComparer.Default.Equals(awaitedSymbol, symbol) || SymbolEqualityComparer.Default.Equals(awaitedSymbol, collection)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // t => t.Result inside t.ContinueWith(...): the antecedent has completed when its continuation runs.
    private bool IsContinuationAntecedent(IOperation value)
        => value is IParameterReferenceOperation { Parameter: { Ordinal: 0 } parameter }
            && OperationScope.LambdaOf(parameter, value) is { } lambda
            && OperationScope.CallTaking(lambda) is { TargetMethod.Name: "ContinueWith" } continuation
            && _symbols.IsTaskLike(continuation.TargetMethod.ContainingType);

    // tasks.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result): the query only sees tasks that completed.
    private bool IsFilteredToCompleted(IOperation value)
    {
        if (value is not IParameterReferenceOperation parameter
            || OperationScope.LambdaOf(parameter.Parameter, value) is not { } lambda
            || OperationScope.CallTaking(lambda) is not { } linq
            || (linq.Instance ?? linq.Arguments.FirstOrDefault()?.Value) is not { } source)
        {
            return false;
        }

        return QuerySource(OperationScope.Unwrap(source), linq) is IInvocationOperation { TargetMethod: { Name: "Where" } where } filtered
            && _symbols.IsEnumerable(where.ContainingType)
            && filtered.Arguments.LastOrDefault()?.Value is IDelegateCreationOperation { Target: IAnonymousFunctionOperation filter }
            && filter.Symbol.Parameters.Length == 1
            && filter.Body.Operations.FirstOrDefault() is IReturnOperation { ReturnedValue: { } condition }
            && ChecksCompletion(condition, filter.Symbol.Parameters[0]) == true;
    }

    // The query a source stands for: itself, or the one a local was initialized with and never reassigned
    // (var done = tasks.Where(...); done.Select(...)).
    private static IOperation QuerySource(IOperation source, IOperation use)
        => source is ILocalReferenceOperation { Local: { } local } && OperationScope.InitialValue(local, use) is { } initial
            ? OperationScope.Unwrap(initial)
            : source;

    // The collection a task was taken from: foreach (var t in tasks), tasks[i], or tasks.Select(t => ...) (then the query too).
    private static ISymbol? CollectionOf(IOperation value, out IOperation? query)
    {
        query = null;
        switch (value)
        {
            case IArrayElementReferenceOperation element:
                return OperationScope.ReferencedSymbol(element.ArrayReference);
            case IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } list }:
                return OperationScope.ReferencedSymbol(list);
            case ILocalReferenceOperation local:
                for (IOperation? current = value.Parent; current is not null; current = current.Parent)
                {
                    if (current is IForEachLoopOperation loop && loop.Locals.Contains(local.Local, SymbolEqualityComparer.Default))
                    {
                        return OperationScope.ReferencedSymbol(loop.Collection);
                    }
                }

                return null;
            case IParameterReferenceOperation parameter when OperationScope.LambdaOf(parameter.Parameter, value) is { } lambda:
                IInvocationOperation? linq = OperationScope.CallTaking(lambda);
                query = linq;
                return (linq?.Instance ?? linq?.Arguments.FirstOrDefault()?.Value) is { } source ? OperationScope.ReferencedSymbol(source) : null;
            default:
                return null;
        }
    }

    // t is Task<int> typed: the symbol typed was declared from, t.
    private static ISymbol? PatternSource(ISymbol? symbol, IOperation use)
    {
        if (symbol is not ILocalSymbol local)
        {
            return null;
        }

        foreach (IOperation operation in OperationScope.OwnDescendants(OperationScope.FunctionBody(use)))
        {
            if (operation is IDeclarationPatternOperation { Parent: IIsPatternOperation test } declaration
                && SymbolEqualityComparer.Default.Equals(declaration.DeclaredSymbol, local))
            {
                return OperationScope.ReferencedSymbol(test.Value);
            }
        }

        return null;
    }

    // t.IsCompleted && t.Result.Ok, or !t.IsCompleted || t.Result.Ok: the read runs only once the check held.
    private bool IsShortCircuitGuarded(ISymbol symbol, IOperation use)
    {
        IOperation child = use;
        for (IOperation? parent = use.Parent; parent is not null and not (IAnonymousFunctionOperation or ILocalFunctionOperation); child = parent, parent = parent.Parent)
        {
            if (parent is IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr } binary
                && binary.RightOperand == child
                && ChecksCompletion(binary.LeftOperand, symbol) == (binary.OperatorKind == BinaryOperatorKind.ConditionalAnd))
            {
                return true;
            }
        }

        return false;
    }

    // if (t.IsCompleted) { ... t.Result ... }, t.IsCompletedSuccessfully ? t.Result : ..., or if (!t.IsCompleted) return ...; t.Result
    private bool IsGuardedBy(IConditionalOperation guard, IOperation use, ISymbol symbol)
    {
        bool? completedWhenTrue = ChecksCompletion(guard.Condition, symbol);
        if (completedWhenTrue is null)
        {
            return false;
        }

        IOperation? completedBranch = completedWhenTrue.Value ? guard.WhenTrue : guard.WhenFalse;
        if (completedBranch is not null && completedBranch.Syntax.Span.Contains(use.Syntax.Span))
        {
            return true;
        }

        IOperation? notCompletedBranch = completedWhenTrue.Value ? guard.WhenFalse : guard.WhenTrue;
        return guard.Parent is IBlockOperation
            && OperationScope.Dominates(guard, use)
            && notCompletedBranch is not null
            && OperationScope.Exits(notCompletedBranch);
    }

    // switch (t.Status) { case TaskStatus.RanToCompletion: ... t.Result ... }
    private bool IsInCompletedCase(ISwitchOperation choice, IOperation use, ISymbol symbol)
        => IsStatusOf(choice.Value, symbol)
            && choice.Cases.Any(section => section.Body.Any(statement => statement.Syntax.Span.Contains(use.Syntax.Span))
                && section.Clauses.All(clause => clause switch
                {
                    ISingleValueCaseClauseOperation single => IsCompletedStatus(single.Value),
                    IPatternCaseClauseOperation { Pattern: IConstantPatternOperation constant, Guard: null } => IsCompletedStatus(constant.Value),
                    _ => false,
                }));

    // t.Status switch { TaskStatus.RanToCompletion => t.Result, ... }
    private bool IsInCompletedArm(ISwitchExpressionOperation choice, IOperation use, ISymbol symbol)
        => IsStatusOf(choice.Value, symbol)
            && choice.Arms.Any(arm => arm.Value.Syntax.Span.Contains(use.Syntax.Span)
                && arm.Pattern is IConstantPatternOperation constant && IsCompletedStatus(constant.Value));

    /// <summary>True: the condition holds when the task completed; false: when it did not; null: not about this task.</summary>
    public bool? ChecksCompletion(IOperation condition, ISymbol symbol)
    {
        condition = OperationScope.Unwrap(condition);
        switch (condition)
        {
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                return ChecksCompletion(not.Operand, symbol) is { } inner ? !inner : null;
            case IPropertyReferenceOperation { Property.Name: "IsCompleted" or "IsCompletedSuccessfully", Instance: { } instance } property
                when _symbols.IsTaskLike(property.Property.ContainingType):
                return Refers(instance, symbol) ? true : null;
            case IInvocationOperation { TargetMethod: { Name: "Wait", ReturnType.SpecialType: SpecialType.System_Boolean } wait, Instance: { } waited }
                when _symbols.IsTaskLike(wait.ContainingType):
                return Refers(waited, symbol) ? true : null;
            case IIsPatternOperation { Pattern: IConstantPatternOperation constant } test when IsStatusOf(test.Value, symbol):
                return IsCompletedStatus(constant.Value) ? true : null;
            case IIsPatternOperation { Pattern: INegatedPatternOperation { Pattern: IConstantPatternOperation constant } } test when IsStatusOf(test.Value, symbol):
                return IsCompletedStatus(constant.Value) ? false : null;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison:
                return ComparesCompletion(comparison, symbol);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } both:
                return ChecksCompletion(both.LeftOperand, symbol) == true || ChecksCompletion(both.RightOperand, symbol) == true ? true : null;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } either:
                // False only when both sides are: if either is false only for a completed task, so is the whole.
                return ChecksCompletion(either.LeftOperand, symbol) == false || ChecksCompletion(either.RightOperand, symbol) == false ? false : null;
            default:
                return null;
        }
    }

    // t.Status == TaskStatus.RanToCompletion, t.IsCompleted == false, and the same with !=.
    private bool? ComparesCompletion(IBinaryOperation comparison, ISymbol symbol)
    {
        bool equals = comparison.OperatorKind == BinaryOperatorKind.Equals;
        IOperation left = OperationScope.Unwrap(comparison.LeftOperand);
        IOperation right = OperationScope.Unwrap(comparison.RightOperand);
        if (IsStatusOf(left, symbol) && IsCompletedStatus(right))
        {
            return equals;
        }

        if (right.ConstantValue is { HasValue: true, Value: bool constant } && ChecksCompletion(left, symbol) is { } completed)
        {
            return completed == constant == equals;
        }

        return null;
    }

    // t.Status, or a local copy of it (var status = t.Status; switch (status) ...).
    private bool IsStatusOf(IOperation value, ISymbol symbol)
    {
        value = OperationScope.Unwrap(value);
        if (value is ILocalReferenceOperation { Local: { } copy } && OperationScope.InitialValue(copy, value) is { } initial)
        {
            value = OperationScope.Unwrap(initial);
        }

        return value is IPropertyReferenceOperation { Property.Name: "Status", Instance: { } instance } status
            && _symbols.IsTaskLike(status.Property.ContainingType)
            && Refers(instance, symbol);
    }

    // RanToCompletion, Faulted and Canceled are final: reading the result then throws or returns, it never waits.
    private bool IsCompletedStatus(IOperation value)
        => OperationScope.Unwrap(value) is IFieldReferenceOperation { Field: { Name: "RanToCompletion" or "Faulted" or "Canceled" } field }
            && SymbolEqualityComparer.Default.Equals(field.ContainingType, _symbols.TaskStatus);

    private static bool Refers(IOperation instance, ISymbol symbol) => SymbolEqualityComparer.Default.Equals(OperationScope.ReferencedSymbol(instance), symbol);

    // A proof stops counting once the task (or its collection) is written between the proof and the read.
    private static bool IsWrittenBetween(ISymbol? symbol, ISymbol? collection, IOperation proof, IOperation use, IOperation body)
    {
        int from = proof.Syntax.Span.End;
        int to = use.Syntax.SpanStart;
        foreach (IOperation operation in OperationScope.OwnDescendants(body))
        {
            int at = operation.Syntax.SpanStart;
            if (at < from || at >= to)
            {
                continue;
            }

            if ((symbol is not null && OperationScope.Writes(operation, symbol)) || (collection is not null && OperationScope.Writes(operation, collection, elementsToo: true)))
            {
                return true;
            }
        }

        return false;
    }
}
