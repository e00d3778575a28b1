using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Throttling.Analyzers.Infrastructure;

namespace Throttling.Analyzers.Rules;

/// <summary>
/// THR002: sync-over-async. <c>.Result</c>, <c>.Wait()</c>, <c>.GetAwaiter().GetResult()</c>, <c>Task.WaitAll/WaitAny</c> on
/// tasks that may not have completed, and in async code <c>Thread.Sleep</c> and blocking calls that have an async twin.
/// </summary>
/// <remarks>
/// Precision comes from proving completion rather than from guessing intent: a task awaited earlier in the same function
/// (itself, or through <c>Task.WhenAll</c>/<c>WhenAny</c>), the antecedent inside its own <c>ContinueWith</c>, a task behind an
/// <c>IsCompleted</c>/<c>IsCompletedSuccessfully</c>/<c>Status</c> check, and <c>Task.FromResult</c> are complete, so reading them
/// blocks nothing. Blocking is accepted where awaiting is impossible or pointless: inside <c>lock</c>, in a synchronous
/// <c>Main</c> or top-level program, and in <c>nameof</c>.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DoNotBlockOnAsyncCodeAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The diagnostic property naming what blocks, for the code fix.</summary>
    public const string KindProperty = "Kind";

    /// <summary>The diagnostic property naming the async twin, for the code fix.</summary>
    public const string TwinProperty = "Twin";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.SyncOverAsync);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (AsyncSymbols.Create(start.Compilation) is not { } symbols)
            {
                return;
            }

            var analyzer = new Analysis(symbols, start.Compilation);
            start.RegisterOperationAction(analyzer.AnalyzePropertyReference, OperationKind.PropertyReference);
            start.RegisterOperationAction(analyzer.AnalyzeInvocation, OperationKind.Invocation);
        });
    }

    /// <summary>What blocks, as the code fix reads it back.</summary>
    public static class Kinds
    {
        public const string Result = nameof(Result);
        public const string Wait = nameof(Wait);
        public const string GetResult = nameof(GetResult);
        public const string WaitAll = nameof(WaitAll);

        /// <summary>WaitAny, or WaitAll with a timeout or token: no exact awaitable equivalent, so no fix.</summary>
        public const string WaitAny = nameof(WaitAny);
        public const string Sleep = nameof(Sleep);
        public const string Twin = nameof(Twin);
    }

    private sealed class Analysis
    {
        private readonly AsyncSymbols _symbols;
        private readonly Compilation _compilation;
        private readonly ConcurrentDictionary<IMethodSymbol, IMethodSymbol?> _twins = new(SymbolEqualityComparer.Default);
        private System.Func<IMethodSymbol, IMethodSymbol?>? _findTwin;
        private IMethodSymbol? _entryPoint;
        private bool _entryPointKnown;

        public Analysis(AsyncSymbols symbols, Compilation compilation)
        {
            _symbols = symbols;
            _compilation = compilation;
        }

        public void AnalyzePropertyReference(OperationAnalysisContext context)
        {
            var reference = (IPropertyReferenceOperation)context.Operation;
            if (reference.Property.Name != "Result"
                || !_symbols.IsTaskLike(reference.Property.ContainingType)
                || reference.Instance is null)
            {
                return;
            }

            ReportBlockingOn(context, reference.Instance, Kinds.Result, $"'{reference.Instance.Type?.Name}.Result' blocks until the task completes; await it instead");
        }

        public void AnalyzeInvocation(OperationAnalysisContext context)
        {
            var invocation = (IInvocationOperation)context.Operation;
            IMethodSymbol method = invocation.TargetMethod;
            SymbolEqualityComparer comparer = SymbolEqualityComparer.Default;
            INamedTypeSymbol? type = method.ContainingType?.OriginalDefinition;

            if (comparer.Equals(type, _symbols.Task) && method.Name == "Wait" && invocation.Instance is { } waited && !HasZeroTimeout(invocation))
            {
                ReportBlockingOn(context, waited, Kinds.Wait, "'Task.Wait' blocks until the task completes; await it instead");
            }
            else if (comparer.Equals(type, _symbols.Task) && method.IsStatic && method.Name is "WaitAll" or "WaitAny")
            {
                if (!IsExempt(context, invocation) && !invocation.Arguments.All(a => IsProvablyComplete(a.Value, context)))
                {
                    string replacement = method.Name == "WaitAll" ? "Task.WhenAll" : "Task.WhenAny";
                    // Only the overloads taking nothing but the tasks have an exact awaitable equivalent.
                    string kind = method.Name == "WaitAll" && method.Parameters.Length == 1 ? Kinds.WaitAll : Kinds.WaitAny;
                    Report(context, invocation, kind, $"'Task.{method.Name}' blocks until the tasks complete; await {replacement} instead");
                }
            }
            else if (method.Name == "GetResult" && _symbols.IsAwaiter(type) && invocation.Instance is IInvocationOperation { TargetMethod.Name: "GetAwaiter", Instance: { } awaitable })
            {
                IOperation task = awaitable is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } configured } ? configured : awaitable;
                ReportBlockingOn(context, task, Kinds.GetResult, "'GetAwaiter().GetResult()' blocks until the task completes; await it instead");
            }
            else if (comparer.Equals(type, _symbols.Thread) && method.Name == "Sleep")
            {
                if (OperationScope.IsInAsyncFunction(invocation, context.ContainingSymbol) && !IsExempt(context, invocation))
                {
                    Report(context, invocation, Kinds.Sleep, "'Thread.Sleep' blocks a thread in async code; await Task.Delay instead");
                }
            }
            else if (OperationScope.IsInAsyncFunction(invocation, context.ContainingSymbol)
                && !HasZeroTimeout(invocation)
                && TwinOf(method) is { } twin
                && !_symbols.IsConsoleWriter(invocation.Instance)
                && !IsExempt(context, invocation))
            {
                Report(context, invocation, Kinds.Twin, $"'{method.Name}' blocks in async code; await '{twin.Name}' instead", twin.Name);
            }
        }

        // Wait(0) and Wait(TimeSpan.Zero) only ask whether something is ready: they never block.
        private static bool HasZeroTimeout(IInvocationOperation invocation)
            => invocation.Arguments.Any(a => a.Parameter?.Name is "millisecondsTimeout" or "timeout"
                && (OperationScope.Unwrap(a.Value).ConstantValue is { HasValue: true, Value: 0 }
                    || OperationScope.Unwrap(a.Value) is IFieldReferenceOperation { Field: { Name: "Zero", IsStatic: true } }));

        private void ReportBlockingOn(OperationAnalysisContext context, IOperation task, string kind, string message)
        {
            if (!IsExempt(context, context.Operation) && !IsProvablyComplete(task, context))
            {
                Report(context, context.Operation, kind, message);
            }
        }

        private static void Report(OperationAnalysisContext context, IOperation operation, string kind, string message, string? twin = null)
        {
            ImmutableDictionary<string, string?> properties = ImmutableDictionary<string, string?>.Empty.Add(KindProperty, kind);
            if (twin is not null)
            {
                properties = properties.Add(TwinProperty, twin);
            }

            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SyncOverAsync, MemberNameLocation.Of(operation), properties, message));
        }

        // Where blocking is accepted: nameof, lock (no await possible), a synchronous entry point.
        private bool IsExempt(OperationAnalysisContext context, IOperation operation)
        {
            if (OperationScope.IsInsideNameOf(operation) || OperationScope.HasAncestor(operation, a => a is ILockOperation))
            {
                return true;
            }

            if (OperationScope.EnclosingFunction(operation) is not null || context.ContainingSymbol is not IMethodSymbol member)
            {
                return false;
            }

            return !member.IsAsync && SymbolEqualityComparer.Default.Equals(member, EntryPoint(context));
        }

        private IMethodSymbol? EntryPoint(OperationAnalysisContext context)
        {
            if (!_entryPointKnown)
            {
                _entryPoint = _compilation.GetEntryPoint(context.CancellationToken);
                _entryPointKnown = true;
            }

            return _entryPoint;
        }

        private bool IsProvablyComplete(IOperation task, OperationAnalysisContext context)
        {
            IOperation value = OperationScope.Unwrap(task);
            if (value is IInvocationOperation { TargetMethod: { Name: "FromResult" or "FromException" or "FromCanceled", IsStatic: true } factory }
                && _symbols.IsTaskLike(factory.ContainingType)
                || value is IPropertyReferenceOperation { Property: { Name: "CompletedTask", IsStatic: true } })
            {
                return true;
            }

            if (IsContinuationAntecedent(value) || IsFilteredToCompleted(value))
            {
                return true;
            }

            ISymbol? symbol = OperationScope.ReferencedSymbol(value);
            ISymbol? collection = CollectionOf(value, out IOperation? query);
            if (symbol is null && collection is null)
            {
                return false;
            }

            // For tasks.Select(t => t.Result) the awaits that count are those before the query, outside its lambda.
            IOperation use = query ?? context.Operation;
            foreach (IOperation earlier in OperationScope.OwnDescendants(OperationScope.FunctionBody(use)))
            {
                if (earlier is IAwaitOperation awaited && OperationScope.StartsBefore(awaited, use) && Completes(awaited, symbol, collection))
                {
                    return true;
                }

                if (earlier is IConditionalOperation guard && symbol is not null && IsGuardedBy(guard, use, symbol))
                {
                    return true;
                }
            }

            return symbol is ILocalSymbol local && IsAssignedFromAwaitedWhenAny(local, use);
        }

        // await t, await t.ConfigureAwait(false), or await Task.WhenAll(..., t, ...) / Task.WhenAll(tasks) for an element of tasks.
        private bool Completes(IAwaitOperation awaited, ISymbol? symbol, ISymbol? collection)
        {
            IOperation operand = OperationScope.Unwrap(awaited.Operation);
            if (operand is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } configured })
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
        private static bool IsContinuationAntecedent(IOperation value)
        {
            if (value is not IParameterReferenceOperation { Parameter: { Ordinal: 0 } parameter })
            {
                return false;
            }

            for (IOperation? current = value.Parent; current is not null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation lambda && SymbolEqualityComparer.Default.Equals(lambda.Symbol, parameter.ContainingSymbol))
                {
                    return lambda.Parent?.Parent?.Parent is IInvocationOperation { TargetMethod.Name: "ContinueWith" }
                        || lambda.Parent?.Parent is IInvocationOperation { TargetMethod.Name: "ContinueWith" };
                }
            }

            return false;
        }

        // tasks.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result): the query only sees tasks that completed.
        private static bool IsFilteredToCompleted(IOperation value)
        {
            if (value is not IParameterReferenceOperation parameter)
            {
                return false;
            }

            for (IOperation? current = value.Parent; current is not null; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation lambda && SymbolEqualityComparer.Default.Equals(lambda.Symbol, parameter.Parameter.ContainingSymbol))
                {
                    IInvocationOperation? linq = lambda.Parent?.Parent?.Parent as IInvocationOperation ?? lambda.Parent?.Parent as IInvocationOperation;
                    IOperation? source = linq?.Instance ?? linq?.Arguments.FirstOrDefault()?.Value;
                    return source is not null
                        && QuerySource(OperationScope.Unwrap(source), linq!) is IInvocationOperation { TargetMethod.Name: "Where" } where
                        && where.Arguments.LastOrDefault()?.Value is IDelegateCreationOperation { Target: IAnonymousFunctionOperation filter }
                        && filter.Symbol.Parameters.Length == 1
                        && filter.Body.Operations.FirstOrDefault() is IReturnOperation { ReturnedValue: { } condition }
                        && ChecksCompletion(condition, filter.Symbol.Parameters[0]) == true;
                }
            }

            return false;
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
                case IParameterReferenceOperation parameter:
                    for (IOperation? current = value.Parent; current is not null; current = current.Parent)
                    {
                        if (current is IAnonymousFunctionOperation lambda && SymbolEqualityComparer.Default.Equals(lambda.Symbol, parameter.Parameter.ContainingSymbol))
                        {
                            IInvocationOperation? linq = lambda.Parent?.Parent?.Parent as IInvocationOperation ?? lambda.Parent?.Parent as IInvocationOperation;
                            IOperation? source = linq?.Instance ?? linq?.Arguments.FirstOrDefault()?.Value;
                            query = linq;
                            return source is null ? null : OperationScope.ReferencedSymbol(source);
                        }
                    }

                    return null;
                default:
                    return null;
            }
        }

        // if (t.IsCompleted) { ... t.Result ... }, t.IsCompletedSuccessfully ? t.Result : ..., or if (!t.IsCompleted) return ...; t.Result
        private static bool IsGuardedBy(IConditionalOperation guard, IOperation use, ISymbol symbol)
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
                && OperationScope.StartsBefore(guard, use)
                && notCompletedBranch is not null
                && Exits(notCompletedBranch);
        }

        // True: the condition holds when the task completed; false: when it did not; null: not about this task.
        private static bool? ChecksCompletion(IOperation condition, ISymbol symbol)
        {
            condition = OperationScope.Unwrap(condition);
            switch (condition)
            {
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                    return ChecksCompletion(not.Operand, symbol) is { } inner ? !inner : null;
                case IPropertyReferenceOperation { Property.Name: "IsCompleted" or "IsCompletedSuccessfully", Instance: { } instance }:
                    return SymbolEqualityComparer.Default.Equals(OperationScope.ReferencedSymbol(instance), symbol) ? true : null;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison
                    when OperationScope.Unwrap(comparison.LeftOperand) is IPropertyReferenceOperation { Property.Name: "Status", Instance: { } statusOf }
                        && SymbolEqualityComparer.Default.Equals(OperationScope.ReferencedSymbol(statusOf), symbol)
                        && OperationScope.Unwrap(comparison.RightOperand) is IFieldReferenceOperation { Field.Name: "RanToCompletion" }:
                    return comparison.OperatorKind == BinaryOperatorKind.Equals;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } both:
                    return ChecksCompletion(both.LeftOperand, symbol) == true || ChecksCompletion(both.RightOperand, symbol) == true ? true : null;
                default:
                    return null;
            }
        }

        private static bool Exits(IOperation branch)
        {
            IOperation last = branch is IBlockOperation { Operations.Length: > 0 } block ? block.Operations[block.Operations.Length - 1] : branch;
            return last is IReturnOperation or IThrowOperation or IBranchOperation
                || last is IExpressionStatementOperation { Operation: IThrowOperation };
        }

        // var done = await Task.WhenAny(a, b); done.Result
        private bool IsAssignedFromAwaitedWhenAny(ILocalSymbol local, IOperation use)
        {
            foreach (IOperation operation in OperationScope.OwnDescendants(OperationScope.FunctionBody(use)))
            {
                if (operation is IVariableDeclaratorOperation { Initializer.Value: { } initial } declarator
                    && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local)
                    && OperationScope.Unwrap(initial) is IAwaitOperation awaited
                    && OperationScope.Unwrap(awaited.Operation) is IInvocationOperation { TargetMethod: { Name: "WhenAny", IsStatic: true } whenAny }
                    && SymbolEqualityComparer.Default.Equals(whenAny.ContainingType, _symbols.Task))
                {
                    return true;
                }
            }

            return false;
        }

        // MAsync with M's parameters (plus an optional CancellationToken) and a task of M's result, on M's type.
        private IMethodSymbol? TwinOf(IMethodSymbol method)
            => _twins.GetOrAdd(method.OriginalDefinition, _findTwin ??= FindTwin);

        private IMethodSymbol? FindTwin(IMethodSymbol method)
        {
            // Dispose: using handles it. Add/AddRange: EF Core's AddAsync exists for special value generators only, and
            // its documentation advises the synchronous methods.
            if (method.Name is "Dispose" or "Add" or "AddRange" || _symbols.IsTaskLike(method.ReturnType.OriginalDefinition as INamedTypeSymbol) || method.ContainingType is null
                || _symbols.IsInMemory(method.ContainingType) || method.MethodKind != MethodKind.Ordinary)
            {
                return null;
            }

            for (INamedTypeSymbol? type = method.ContainingType; type is not null; type = type.BaseType)
            {
                foreach (IMethodSymbol candidate in type.GetMembers(method.Name + "Async").OfType<IMethodSymbol>())
                {
                    if (candidate.IsStatic == method.IsStatic
                        && candidate.DeclaredAccessibility == Accessibility.Public
                        && !candidate.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, _symbols.Obsolete))
                        && _symbols.ReturnsTaskOf(candidate, method.ReturnType)
                        && SameParameters(method, candidate))
                    {
                        return candidate;
                    }
                }
            }

            return null;
        }

        private bool SameParameters(IMethodSymbol method, IMethodSymbol twin)
        {
            int extra = twin.Parameters.Length - method.Parameters.Length;
            if (extra is not (0 or 1) || (extra == 1 && !SymbolEqualityComparer.Default.Equals(twin.Parameters[twin.Parameters.Length - 1].Type, _symbols.CancellationToken)))
            {
                return false;
            }

            for (int i = 0; i < method.Parameters.Length; i++)
            {
                if (!AsyncSymbols.SameType(method.Parameters[i].Type, twin.Parameters[i].Type) || method.Parameters[i].RefKind != twin.Parameters[i].RefKind)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
