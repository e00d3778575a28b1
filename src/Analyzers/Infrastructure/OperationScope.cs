using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Throttling.Analyzers.Infrastructure;

/// <summary>Where an operation sits: its enclosing function, whether that function is async, and what surrounds it.</summary>
internal static class OperationScope
{
    /// <summary>The lambda or local function around <paramref name="operation"/>; null when it is the method body itself.</summary>
    public static IOperation? EnclosingFunction(IOperation operation)
    {
        for (IOperation? current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return current;
            }
        }

        return null;
    }

    /// <summary>The symbol of the function <paramref name="operation"/> runs in: a lambda, a local function, or the member.</summary>
    public static IMethodSymbol? FunctionSymbol(IOperation operation, ISymbol containingSymbol) => EnclosingFunction(operation) switch
    {
        IAnonymousFunctionOperation lambda => lambda.Symbol,
        ILocalFunctionOperation local => local.Symbol,
        _ => containingSymbol as IMethodSymbol,
    };

    public static bool IsInAsyncFunction(IOperation operation, ISymbol containingSymbol)
        => FunctionSymbol(operation, containingSymbol)?.IsAsync == true;

    /// <summary>The body that holds <paramref name="operation"/>: its lambda's or local function's, or the whole block.</summary>
    public static IOperation FunctionBody(IOperation operation)
    {
        switch (EnclosingFunction(operation))
        {
            case IAnonymousFunctionOperation lambda:
                return lambda.Body;
            case ILocalFunctionOperation local:
                return (IOperation?)local.Body ?? local;
        }

        IOperation root = operation;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        return root;
    }

    /// <summary>The operations of <paramref name="body"/>, not looking into the lambdas and local functions it declares.</summary>
    public static IEnumerable<IOperation> OwnDescendants(IOperation body)
    {
        var pending = new Stack<IOperation>();
        pending.Push(body);
        while (pending.Count > 0)
        {
            IOperation current = pending.Pop();
            yield return current;
            foreach (IOperation child in current.ChildOperations)
            {
                if (child is not (IAnonymousFunctionOperation or ILocalFunctionOperation))
                {
                    pending.Push(child);
                }
            }
        }
    }

    /// <summary>The value a local starts with, when it is declared once and never written again in the function.</summary>
    public static IOperation? InitialValue(ILocalSymbol local, IOperation use)
    {
        IOperation? initial = null;
        foreach (IOperation operation in OwnDescendants(FunctionBody(use)))
        {
            if (operation is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, local))
            {
                initial = declarator.Initializer?.Value;
            }
            else if (Writes(operation, local))
            {
                return null;
            }
        }

        return initial;
    }

    /// <summary>
    /// Whether <paramref name="operation"/> writes <paramref name="symbol"/>: an assignment of any kind, a deconstruction,
    /// or passing it by <c>ref</c>/<c>out</c>; with <paramref name="elementsToo"/>, also an assignment to one of its elements.
    /// </summary>
    public static bool Writes(IOperation operation, ISymbol symbol, bool elementsToo = false)
    {
        switch (operation)
        {
            case IAssignmentOperation assignment and not IDeconstructionAssignmentOperation:
                return IsTarget(assignment.Target, symbol, elementsToo);
            case IDeconstructionAssignmentOperation deconstruction:
                return deconstruction.Target.DescendantsAndSelf().Any(t => IsTarget(t, symbol, elementsToo));
            case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument:
                return IsTarget(argument.Value, symbol, elementsToo);
            default:
                return false;
        }
    }

    private static bool IsTarget(IOperation target, ISymbol symbol, bool elementsToo)
    {
        target = Unwrap(target);
        if (SymbolEqualityComparer.Default.Equals(ReferencedSymbol(target), symbol))
        {
            return true;
        }

        return elementsToo && target switch
        {
            IArrayElementReferenceOperation element => SymbolEqualityComparer.Default.Equals(ReferencedSymbol(element.ArrayReference), symbol),
            IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } list } => SymbolEqualityComparer.Default.Equals(ReferencedSymbol(list), symbol),
            _ => false,
        };
    }

    /// <summary>
    /// Whether <paramref name="earlier"/> runs on every path that reaches <paramref name="later"/> in the same function: it
    /// comes first, and no branch, loop body, case, catch or short-circuited operand separates it from their common ancestor.
    /// </summary>
    public static bool Dominates(IOperation earlier, IOperation later)
    {
        if (!StartsBefore(earlier, later))
        {
            return false;
        }

        IOperation child = earlier;
        for (IOperation? parent = earlier.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            if (IsConditionallyRun(child, parent))
            {
                return false;
            }

            if (parent.Syntax.Span.Contains(later.Syntax.Span))
            {
                return true;
            }
        }

        return false;
    }

    // Whether child runs only on some of the paths through parent.
    private static bool IsConditionallyRun(IOperation child, IOperation parent) => parent switch
    {
        IConditionalOperation conditional => child == conditional.WhenTrue || child == conditional.WhenFalse,
        ILoopOperation loop => child == loop.Body,
        ISwitchCaseOperation or ISwitchExpressionArmOperation or ICatchClauseOperation => true,
        // A try body runs to its end unless a catch swallows what stopped it; catches that all exit swallow nothing.
        ITryOperation attempt => child == attempt.Body && attempt.Catches.Any(c => !Exits(c.Handler)),
        IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr } binary => child == binary.RightOperand,
        ICoalesceOperation coalesce => child == coalesce.WhenNull,
        IConditionalAccessOperation access => child == access.WhenNotNull,
        IAnonymousFunctionOperation or ILocalFunctionOperation => true,
        _ => false,
    };

    /// <summary>Whether a branch always leaves: its last statement returns, throws, breaks or continues.</summary>
    public static bool Exits(IOperation branch)
    {
        IOperation last = branch is IBlockOperation { Operations.Length: > 0 } block ? block.Operations[block.Operations.Length - 1] : branch;
        return last is IReturnOperation or IThrowOperation or IBranchOperation
            || last is IExpressionStatementOperation { Operation: IThrowOperation };
    }

    /// <summary>The lambda that declares <paramref name="parameter"/>, found from a use of it.</summary>
    public static IAnonymousFunctionOperation? LambdaOf(IParameterSymbol parameter, IOperation use)
    {
        for (IOperation? current = use.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation lambda && SymbolEqualityComparer.Default.Equals(lambda.Symbol, parameter.ContainingSymbol))
            {
                return lambda;
            }
        }

        return null;
    }

    /// <summary>The call a lambda is passed to (<c>tasks.Select(t => ...)</c>: <c>Select</c>), if it is an argument.</summary>
    public static IInvocationOperation? CallTaking(IAnonymousFunctionOperation lambda)
    {
        for (IOperation? current = lambda.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case IInvocationOperation invocation:
                    return invocation;
                case IDelegateCreationOperation or IConversionOperation or IArgumentOperation:
                    continue;
                default:
                    return null;
            }
        }

        return null;
    }

    /// <summary>Whether an ancestor within the same function satisfies <paramref name="predicate"/>.</summary>
    public static bool HasAncestor(IOperation operation, System.Func<IOperation, bool> predicate)
    {
        for (IOperation? current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return false;
            }

            if (predicate(current))
            {
                return true;
            }
        }

        return false;
    }

    public static bool IsInsideNameOf(IOperation operation)
    {
        for (IOperation? current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is INameOfOperation)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The expression without the conversions and parentheses the compiler wraps around it.</summary>
    public static IOperation Unwrap(IOperation operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    break;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    break;
                case IArgumentOperation argument:
                    operation = argument.Value;
                    break;
                default:
                    return operation;
            }
        }
    }

    /// <summary>The local, parameter or field an expression reads, if it reads one.</summary>
    public static ISymbol? ReferencedSymbol(IOperation operation) => Unwrap(operation) switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IFieldReferenceOperation field => field.Field,
        _ => null,
    };

    public static bool StartsBefore(IOperation earlier, IOperation later)
        => earlier.Syntax.SyntaxTree == later.Syntax.SyntaxTree && earlier.Syntax.Span.End <= later.Syntax.SpanStart;
}
