using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Throttling.Analyzers.Infrastructure;

/// <summary>THR001's reasoning: what is a projection into tasks, which collections are bounded, which tasks are gated.</summary>
internal sealed class FanOutBounds
{
    private const int MaxLocalHops = 4;
    private readonly FanOutSymbols _symbols;
    private readonly int _maxFanOut;

    public FanOutBounds(FanOutSymbols symbols, int maxFanOut)
    {
        _symbols = symbols;
        _maxFanOut = maxFanOut;
    }

    /// <summary><c>source.Select(selector)</c>, possibly behind ToList/ToArray/AsEnumerable or a local holding it.</summary>
    public Projection? FindProjection(IOperation tasks, int hops = 0)
    {
        tasks = OperationScope.Unwrap(tasks);
        if (tasks is ILocalReferenceOperation local && hops < MaxLocalHops)
        {
            return InitialValue(local.Local, tasks) is { } initial ? FindProjection(initial, hops + 1) : null;
        }

        if (tasks is not IInvocationOperation invocation)
        {
            return null;
        }

        if (IsMaterialization(invocation.TargetMethod) && invocation.Arguments.Length == 1)
        {
            return FindProjection(invocation.Arguments[0].Value, hops);
        }

        if (_symbols.IsEnumerableMethod(invocation.TargetMethod, "Select") && invocation.Arguments.Length == 2)
        {
            return new Projection(OperationScope.Unwrap(invocation.Arguments[0].Value), OperationScope.Unwrap(invocation.Arguments[1].Value));
        }

        return null;
    }

    /// <summary>Whether the collection has at most the configured number of items, by construction.</summary>
    public bool IsBounded(IOperation source, int hops = 0)
    {
        source = OperationScope.Unwrap(source);
        switch (source)
        {
            case IArrayCreationOperation { Initializer: { } initializer }:
                return initializer.ElementValues.Length <= _maxFanOut;
            case IArrayCreationOperation array:
                return array.DimensionSizes.All(d => d.ConstantValue is { HasValue: true, Value: int size } && size <= _maxFanOut);
            case IObjectCreationOperation { Initializer: { } initializer } when initializer.Initializers.All(i => i is IInvocationOperation):
                return initializer.Initializers.Length <= _maxFanOut;
            case ILocalReferenceOperation local when hops < MaxLocalHops:
                return InitialValue(local.Local, source) is { } initial && IsBounded(initial, hops + 1);
            case IInvocationOperation invocation when invocation.TargetMethod.ContainingType is { } type
                && SymbolEqualityComparer.Default.Equals(type, _symbols.Enumerable):
                return IsBoundedQuery(invocation, hops);
            default:
                return false;
        }
    }

    /// <summary>Whether each task waits on a semaphore or limiter, or calls a client whose slots bound it.</summary>
    public bool IsLimited(IOperation selector)
    {
        switch (OperationScope.Unwrap(selector))
        {
            case IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda }:
                return IsLimitedBody(lambda.Body);
            case IAnonymousFunctionOperation lambda:
                return IsLimitedBody(lambda.Body);
            case IDelegateCreationOperation { Target: IMethodReferenceOperation reference }:
                return ThrottledTypes.IsSlotBounded(reference.Method.ContainingType, _symbols.Throttling);
            default:
                return false;
        }
    }

    /// <summary>
    /// For <c>var tasks = new List&lt;Task&gt;(); foreach (var x in items) tasks.Add(F(x)); await Task.WhenAll(tasks);</c>: the
    /// loop's unbounded source when some Add sits in such a loop with nothing gating it; null otherwise.
    /// </summary>
    public IOperation? FindUnboundedLoopAdd(ILocalSymbol list, IOperation whenAll)
    {
        foreach (IOperation operation in OperationScope.OwnDescendants(OperationScope.FunctionBody(whenAll)))
        {
            if (operation is not IInvocationOperation { TargetMethod.Name: "Add", Instance: { } instance } add
                || !SymbolEqualityComparer.Default.Equals(OperationScope.ReferencedSymbol(instance), list)
                || add.Arguments.Length != 1)
            {
                continue;
            }

            ILoopOperation? loop = EnclosingLoop(add);
            if (loop is null || IsLimited(add.Arguments[0].Value) || IsLimitedBody(add.Arguments[0].Value) || LoopWaitsOnGate(loop, add))
            {
                continue;
            }

            IOperation? source = loop switch
            {
                IForEachLoopOperation forEach when !IsBounded(forEach.Collection) => forEach.Collection,
                IForLoopOperation { Condition: IBinaryOperation { RightOperand: var limit } } when limit.ConstantValue is not { HasValue: true, Value: int n } || n > _maxFanOut => limit,
                IForLoopOperation { Condition: null } forLoop => forLoop,
                IWhileLoopOperation whileLoop => whileLoop.Condition ?? whileLoop,
                _ => null,
            };
            if (source is not null)
            {
                return source;
            }
        }

        return null;
    }

    private bool IsBoundedQuery(IInvocationOperation query, int hops)
    {
        IMethodSymbol method = query.TargetMethod;
        IOperation? first = query.Arguments.FirstOrDefault()?.Value;
        switch (method.Name)
        {
            case "Take" when query.Arguments.Length == 2:
            case "Repeat" when query.Arguments.Length == 2:
                return IsSmallConstant(query.Arguments[1].Value) || (method.Name == "Take" && first is not null && IsBounded(first, hops));
            case "Range" when query.Arguments.Length == 2:
                return IsSmallConstant(query.Arguments[1].Value);
            case "Select" or "Where" or "OrderBy" or "OrderByDescending" or "ThenBy" or "Skip" or "Distinct" or "Reverse"
                or "Cast" or "OfType" or "AsEnumerable" or "ToList" or "ToArray" or "SkipWhile" or "TakeWhile":
                return first is not null && IsBounded(first, hops);
            default:
                return false;
        }
    }

    private bool IsSmallConstant(IOperation value)
        => OperationScope.Unwrap(value).ConstantValue is { HasValue: true, Value: int count } && count <= _maxFanOut;

    private bool IsLimitedBody(IOperation body)
    {
        foreach (IOperation operation in body.DescendantsAndSelf())
        {
            if (operation is IInvocationOperation invocation
                && (_symbols.IsConcurrencyGate(invocation.TargetMethod)
                    || ThrottledTypes.IsSlotBounded(invocation.Instance?.Type ?? invocation.TargetMethod.ContainingType, _symbols.Throttling)))
            {
                return true;
            }
        }

        return false;
    }

    // The classic bounded loop: await semaphore.WaitAsync() before starting each task, released by the task.
    private bool LoopWaitsOnGate(ILoopOperation loop, IOperation add)
        => loop.Body.Descendants().Any(o => o is IInvocationOperation wait
            && _symbols.IsConcurrencyGate(wait.TargetMethod)
            && OperationScope.StartsBefore(wait, add)
            && OperationScope.EnclosingFunction(wait) == OperationScope.EnclosingFunction(add));

    private static ILoopOperation? EnclosingLoop(IOperation operation)
    {
        for (IOperation? current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is ILoopOperation loop)
            {
                return loop;
            }

            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return null;
            }
        }

        return null;
    }

    private bool IsMaterialization(IMethodSymbol method)
        => _symbols.IsEnumerableMethod(method, "ToList") || _symbols.IsEnumerableMethod(method, "ToArray") || _symbols.IsEnumerableMethod(method, "AsEnumerable");

    // The value a local starts with, when it is declared once and never assigned again in the function.
    private static IOperation? InitialValue(ILocalSymbol local, IOperation use)
    {
        IOperation? initial = null;
        foreach (IOperation operation in OperationScope.OwnDescendants(OperationScope.FunctionBody(use)))
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                    initial = declarator.Initializer?.Value;
                    break;
                case ISimpleAssignmentOperation assignment when SymbolEqualityComparer.Default.Equals(OperationScope.ReferencedSymbol(assignment.Target), local):
                    return null;
            }
        }

        return initial;
    }

    /// <summary>A projection into tasks: the items and the function that starts a task for each.</summary>
    internal sealed class Projection
    {
        public Projection(IOperation source, IOperation selector)
        {
            Source = source;
            Selector = selector;
        }

        public IOperation Source { get; }

        public IOperation Selector { get; }
    }
}
