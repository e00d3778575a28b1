using System.Linq;
using Microsoft.CodeAnalysis;
using Throttling.Roslyn;

namespace Throttling.Analyzers.Infrastructure;

/// <summary>The task, awaiter and threading types the async rules look for, resolved once per compilation.</summary>
internal sealed class AsyncSymbols
{
    private AsyncSymbols(Compilation compilation, INamedTypeSymbol task)
    {
        Task = task;
        TaskOfT = compilation.GetBestTypeByMetadataName(KnownTypeNames.TaskOfT);
        ValueTask = compilation.GetBestTypeByMetadataName(KnownTypeNames.ValueTask);
        ValueTaskOfT = compilation.GetBestTypeByMetadataName(KnownTypeNames.ValueTaskOfT);
        CancellationToken = compilation.GetBestTypeByMetadataName(KnownTypeNames.CancellationToken);
        Thread = compilation.GetBestTypeByMetadataName(KnownTypeNames.Thread);
        Obsolete = compilation.GetBestTypeByMetadataName("System.ObsoleteAttribute");
        TaskStatus = compilation.GetBestTypeByMetadataName("System.Threading.Tasks.TaskStatus");
        Enumerable = compilation.GetBestTypeByMetadataName(KnownTypeNames.Enumerable);
        TimeSpan = compilation.GetBestTypeByMetadataName("System.TimeSpan");
        Debug = compilation.GetBestTypeByMetadataName("System.Diagnostics.Debug");
        WaitHandle = compilation.GetBestTypeByMetadataName("System.Threading.WaitHandle");
        ManualResetEventSlim = compilation.GetBestTypeByMetadataName("System.Threading.ManualResetEventSlim");
        CountdownEvent = compilation.GetBestTypeByMetadataName("System.Threading.CountdownEvent");
        Barrier = compilation.GetBestTypeByMetadataName("System.Threading.Barrier");
        Console = compilation.GetBestTypeByMetadataName("System.Console");
        Awaiters = new[]
        {
            compilation.GetBestTypeByMetadataName("System.Runtime.CompilerServices.TaskAwaiter"),
            compilation.GetBestTypeByMetadataName("System.Runtime.CompilerServices.TaskAwaiter`1"),
            compilation.GetBestTypeByMetadataName("System.Runtime.CompilerServices.ValueTaskAwaiter"),
            compilation.GetBestTypeByMetadataName("System.Runtime.CompilerServices.ValueTaskAwaiter`1"),
            compilation.GetBestTypeByMetadataName("System.Runtime.CompilerServices.ConfiguredTaskAwaitable+ConfiguredTaskAwaiter"),
            compilation.GetBestTypeByMetadataName("System.Runtime.CompilerServices.ConfiguredTaskAwaitable`1+ConfiguredTaskAwaiter"),
            compilation.GetBestTypeByMetadataName("System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable+ConfiguredValueTaskAwaiter"),
            compilation.GetBestTypeByMetadataName("System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable`1+ConfiguredValueTaskAwaiter"),
        };
    }

    public INamedTypeSymbol Task { get; }

    public INamedTypeSymbol? TaskOfT { get; }

    public INamedTypeSymbol? ValueTask { get; }

    public INamedTypeSymbol? ValueTaskOfT { get; }

    public INamedTypeSymbol? CancellationToken { get; }

    public INamedTypeSymbol? Thread { get; }

    public INamedTypeSymbol? Obsolete { get; }

    public INamedTypeSymbol? TaskStatus { get; }

    public INamedTypeSymbol? TimeSpan { get; }

    public INamedTypeSymbol? Debug { get; }

    private INamedTypeSymbol? Enumerable { get; }

    private INamedTypeSymbol? WaitHandle { get; }

    private INamedTypeSymbol? ManualResetEventSlim { get; }

    private INamedTypeSymbol? CountdownEvent { get; }

    private INamedTypeSymbol? Barrier { get; }

    private INamedTypeSymbol? Console { get; }

    private INamedTypeSymbol?[] Awaiters { get; }

    public static AsyncSymbols? Create(Compilation compilation)
        => compilation.GetBestTypeByMetadataName(KnownTypeNames.Task) is { } task ? new AsyncSymbols(compilation, task) : null;

    /// <summary>Task, Task&lt;T&gt;, ValueTask or ValueTask&lt;T&gt;.</summary>
    public bool IsTaskLike(INamedTypeSymbol? type)
    {
        INamedTypeSymbol? definition = type?.OriginalDefinition;
        SymbolEqualityComparer comparer = SymbolEqualityComparer.Default;
        return comparer.Equals(definition, Task) || comparer.Equals(definition, TaskOfT)
            || comparer.Equals(definition, ValueTask) || comparer.Equals(definition, ValueTaskOfT);
    }

    public bool IsAwaiter(INamedTypeSymbol? type)
    {
        foreach (INamedTypeSymbol? awaiter in Awaiters)
        {
            if (SymbolEqualityComparer.Default.Equals(type, awaiter))
            {
                return true;
            }
        }

        return false;
    }

    public bool IsEnumerable(INamedTypeSymbol? type) => SymbolEqualityComparer.Default.Equals(type, Enumerable);

    /// <summary>
    /// A wait on another thread's signal that has no async twin: <c>WaitHandle.WaitOne/WaitAll/WaitAny/SignalAndWait</c>,
    /// <c>Thread.Join</c>, <c>ManualResetEventSlim.Wait</c>, <c>CountdownEvent.Wait</c>, <c>Barrier.SignalAndWait</c>.
    /// </summary>
    public bool IsBlockingWait(IMethodSymbol method)
    {
        INamedTypeSymbol? type = method.ContainingType;
        switch (method.Name)
        {
            case "WaitOne" or "WaitAll" or "WaitAny" or "SignalAndWait":
                return TypeHierarchy.IsOrDerivesFrom(type, WaitHandle)
                    || (method.Name == "SignalAndWait" && SymbolEqualityComparer.Default.Equals(type, Barrier));
            case "Join":
                return SymbolEqualityComparer.Default.Equals(type, Thread);
            case "Wait":
                return SymbolEqualityComparer.Default.Equals(type, ManualResetEventSlim) || SymbolEqualityComparer.Default.Equals(type, CountdownEvent);
            default:
                return false;
        }
    }

    /// <summary>
    /// <c>Console.Out</c> and <c>Console.Error</c>: their async methods run synchronously under a lock, so awaiting them
    /// changes nothing.
    /// </summary>
    public bool IsConsoleWriter(IOperation? receiver)
        => receiver is not null
            && OperationScope.Unwrap(receiver) is Microsoft.CodeAnalysis.Operations.IPropertyReferenceOperation { Property: var property }
            && SymbolEqualityComparer.Default.Equals(property.ContainingType, Console);

    /// <summary>Whether <paramref name="method"/> returns a task of <paramref name="result"/> (a plain task for void).</summary>
    public bool ReturnsTaskOf(IMethodSymbol method, ITypeSymbol result)
    {
        if (method.ReturnType is not INamedTypeSymbol returned)
        {
            return false;
        }

        SymbolEqualityComparer comparer = SymbolEqualityComparer.Default;
        if (result.SpecialType == SpecialType.System_Void)
        {
            return comparer.Equals(returned, Task) || comparer.Equals(returned, ValueTask);
        }

        return (comparer.Equals(returned.OriginalDefinition, TaskOfT) || comparer.Equals(returned.OriginalDefinition, ValueTaskOfT))
            && SameType(returned.TypeArguments[0], result);
    }

    /// <summary>
    /// The same type in a method and in its async twin: equal, or built the same way, with the methods' own type
    /// parameters matched by position (<c>Func&lt;T, R&gt;</c> is not <c>Func&lt;T, Task&lt;R&gt;&gt;</c>).
    /// </summary>
    public static bool SameType(ITypeSymbol left, ITypeSymbol right)
    {
        switch (left)
        {
            case ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Method } typeParameter:
                return right is ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Method } other && typeParameter.Ordinal == other.Ordinal;
            case IArrayTypeSymbol array:
                return right is IArrayTypeSymbol otherArray && array.Rank == otherArray.Rank && SameType(array.ElementType, otherArray.ElementType);
            case INamedTypeSymbol { IsGenericType: true } generic when right is INamedTypeSymbol { IsGenericType: true } otherGeneric:
                return SymbolEqualityComparer.Default.Equals(generic.OriginalDefinition, otherGeneric.OriginalDefinition)
                    && generic.TypeArguments.Length == otherGeneric.TypeArguments.Length
                    && generic.TypeArguments.Zip(otherGeneric.TypeArguments, SameType).All(same => same);
            default:
                return SymbolEqualityComparer.Default.Equals(left, right);
        }
    }
}
