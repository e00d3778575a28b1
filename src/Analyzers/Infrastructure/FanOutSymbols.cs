using Microsoft.CodeAnalysis;
using Throttling.Roslyn;

namespace Throttling.Analyzers.Infrastructure;

/// <summary>The types THR001 reasons about, resolved once per compilation.</summary>
internal sealed class FanOutSymbols
{
    private FanOutSymbols(Compilation compilation, INamedTypeSymbol task, INamedTypeSymbol enumerable)
    {
        Task = task;
        Enumerable = enumerable;
        SemaphoreSlim = compilation.GetBestTypeByMetadataName(KnownTypeNames.SemaphoreSlim);
        RateLimiter = compilation.GetBestTypeByMetadataName(KnownTypeNames.RateLimiter);
        Throttling = ThrottlingSymbols.Create(compilation);
    }

    public INamedTypeSymbol Task { get; }

    public INamedTypeSymbol Enumerable { get; }

    public INamedTypeSymbol? SemaphoreSlim { get; }

    public INamedTypeSymbol? RateLimiter { get; }

    public ThrottlingSymbols Throttling { get; }

    public static FanOutSymbols? Create(Compilation compilation)
        => compilation.GetBestTypeByMetadataName(KnownTypeNames.Task) is { } task
            && compilation.GetBestTypeByMetadataName(KnownTypeNames.Enumerable) is { } enumerable
            ? new FanOutSymbols(compilation, task, enumerable)
            : null;

    public bool IsEnumerableMethod(IMethodSymbol method, string name)
        => method.Name == name && SymbolEqualityComparer.Default.Equals(method.ContainingType, Enumerable);

    /// <summary>A wait for a semaphore slot or a rate limiter lease: what bounds a task's concurrency.</summary>
    public bool IsConcurrencyGate(IMethodSymbol method) => method.Name switch
    {
        "Wait" or "WaitAsync" => TypeHierarchy.IsOrDerivesFrom(method.ContainingType, SemaphoreSlim),
        "AcquireAsync" or "AttemptAcquire" => TypeHierarchy.IsOrDerivesFrom(method.ContainingType, RateLimiter),
        _ => false,
    };
}
