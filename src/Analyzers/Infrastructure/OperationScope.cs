using System.Collections.Generic;
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

    /// <summary>The value a local starts with, when it is declared once and never assigned again in the function.</summary>
    public static IOperation? InitialValue(ILocalSymbol local, IOperation use)
    {
        IOperation? initial = null;
        foreach (IOperation operation in OwnDescendants(FunctionBody(use)))
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                    initial = declarator.Initializer?.Value;
                    break;
                case ISimpleAssignmentOperation assignment when SymbolEqualityComparer.Default.Equals(ReferencedSymbol(assignment.Target), local):
                    return null;
            }
        }

        return initial;
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
