using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
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
            return OperationScope.InitialValue(local.Local, tasks) is { } initial ? FindProjection(initial, hops + 1) : null;
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
            return new Projection(
                OperationScope.Unwrap(invocation.Arguments[0].Value),
                OperationScope.Unwrap(invocation.Arguments[1].Value),
                isIndexed: invocation.TargetMethod.Parameters[1].Type is INamedTypeSymbol { TypeArguments.Length: 3 });
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
                return OperationScope.InitialValue(local.Local, source) is { } initial && IsBounded(initial, hops + 1);
            case IInvocationOperation invocation when invocation.TargetMethod.ContainingType is { } type
                && SymbolEqualityComparer.Default.Equals(type, _symbols.Enumerable):
                return IsBoundedQuery(invocation, hops);
            case { Syntax: CollectionExpressionSyntax collection }:
                // ["a", "b"]: its size is written down, unless it spreads another collection into it.
                return collection.Elements.Count <= _maxFanOut && !collection.Elements.Any(e => e is SpreadElementSyntax);
            default:
                return false;
        }
    }

    /// <summary>
    /// Whether each task waits on a semaphore or limiter or calls a client whose slots bound it, or the items are the
    /// receivers of the calls (<c>handlers.Select(h => h.HandleAsync(e))</c>: one call per component, not per datum).
    /// </summary>
    public bool IsLimited(IOperation selector)
    {
        switch (OperationScope.Unwrap(selector))
        {
            case IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda }:
                return IsLimitedBody(lambda.Body) || CallsEachItem(lambda);
            case IAnonymousFunctionOperation lambda:
                return IsLimitedBody(lambda.Body) || CallsEachItem(lambda);
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

            if (IsLimited(add.Arguments[0].Value) || IsLimitedBody(add.Arguments[0].Value))
            {
                continue;
            }

            // Every loop around the Add multiplies the tasks; the first unbounded one that nothing gates is the fan-out.
            for (ILoopOperation? loop = EnclosingLoop(add); loop is not null; loop = EnclosingLoop(loop))
            {
                if (LoopWaitsOnGate(loop, add) || DrainsInBatches(loop, list))
                {
                    break;
                }

                if (UnboundedSource(loop) is { } source)
                {
                    return source;
                }
            }
        }

        return null;
    }

    // foreach over a collection that is not bounded, or a for loop counting to a collection's size. Other loops (a
    // worker pool sized by ProcessorCount, a while loop draining a channel) are not taken for fan-out.
    private IOperation? UnboundedSource(ILoopOperation loop) => loop switch
    {
        IForEachLoopOperation forEach when !IsBounded(forEach.Collection) => forEach.Collection,
        IForLoopOperation { Condition: IBinaryOperation { RightOperand: var limit } } when IsCollectionSize(limit) => limit,
        _ => null,
    };

    private static bool IsCollectionSize(IOperation value)
        => OperationScope.Unwrap(value) switch
        {
            IPropertyReferenceOperation { Property.Name: "Count" or "Length" or "LongLength" } => true,
            IInvocationOperation { TargetMethod.Name: "Count" or "LongCount" } => true,
            _ => false,
        };

    // if (tasks.Count >= N) { await Task.WhenAll(tasks); tasks.Clear(); }: the loop bounds its own fan-out.
    private bool DrainsInBatches(ILoopOperation loop, ILocalSymbol list)
        => loop.Body.Descendants().Any(o => o is IAwaitOperation awaited
            && OperationScope.Unwrap(awaited.Operation) is IInvocationOperation { TargetMethod: { Name: "WhenAll" or "WhenAny", IsStatic: true } drain } whenAll
            && SymbolEqualityComparer.Default.Equals(drain.ContainingType, _symbols.Task)
            && whenAll.Arguments.Any(a => SymbolEqualityComparer.Default.Equals(OperationScope.ReferencedSymbol(StripMaterialization(a.Value)), list)));

    // tasks.ToArray() and tasks.ToList(), whether List<T>'s own or Enumerable's, stand for tasks.
    internal static IOperation StripMaterialization(IOperation value)
    {
        value = OperationScope.Unwrap(value);
        while (value is IInvocationOperation { TargetMethod.Name: "ToArray" or "ToList" } materialized)
        {
            value = OperationScope.Unwrap(materialized.Instance ?? materialized.Arguments.FirstOrDefault()?.Value ?? materialized);
            if (value == materialized)
            {
                break;
            }
        }

        return value;
    }

    // h => h.HandleAsync(e), or a block that awaits only calls on its item (with a try/catch around them): each item is
    // a component receiving its own call, one per component rather than one per datum.
    private static bool CallsEachItem(IAnonymousFunctionOperation lambda)
    {
        bool callsItem = false;
        foreach (IOperation call in AsyncCallsOf(lambda))
        {
            if (call is not IInvocationOperation { Instance: { } receiver }
                || OperationScope.Unwrap(receiver) is not IParameterReferenceOperation parameter
                || !SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, lambda.Symbol))
            {
                return false;
            }

            callsItem = true;
        }

        return callsItem;
    }

    // What the lambda awaits, or returns when it is not async (through ConfigureAwait).
    private static IEnumerable<IOperation> AsyncCallsOf(IAnonymousFunctionOperation lambda)
    {
        foreach (IOperation operation in OperationScope.OwnDescendants(lambda.Body))
        {
            IOperation? value = operation switch
            {
                IAwaitOperation awaited => awaited.Operation,
                IReturnOperation { ReturnedValue: { } returned } when !lambda.Symbol.IsAsync => returned,
                _ => null,
            };
            if (value is null)
            {
                continue;
            }

            value = OperationScope.Unwrap(value);
            yield return value is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } configured } ? OperationScope.Unwrap(configured) : value;
        }
    }

    /// <summary>
    /// Whether the selector starts work for each item: it calls or creates something. <c>t => t</c> and
    /// <c>p => p.Completion</c> hand on tasks that already run.
    /// </summary>
    public static bool StartsWork(IOperation selector) => OperationScope.Unwrap(selector) switch
    {
        IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda } => StartsWork(lambda),
        IAnonymousFunctionOperation lambda => StartsWork(lambda),
        _ => true,
    };

    private static bool StartsWork(IAnonymousFunctionOperation lambda)
        => lambda.Symbol.IsAsync || lambda.Body.Descendants().Any(o => o is IInvocationOperation or IObjectCreationOperation or IDynamicInvocationOperation);

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

    /// <summary>A projection into tasks: the items and the function that starts a task for each.</summary>
    internal sealed class Projection
    {
        public Projection(IOperation source, IOperation selector, bool isIndexed)
        {
            Source = source;
            Selector = selector;
            IsIndexed = isIndexed;
        }

        public IOperation Source { get; }

        public IOperation Selector { get; }

        /// <summary>Select's (item, index) overload.</summary>
        public bool IsIndexed { get; }
    }
}
