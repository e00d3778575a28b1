using System.Linq;
using Microsoft.CodeAnalysis;

namespace Throttling.Roslyn;

/// <summary>
/// The types the generator and the THR1xx analyzer recognize, resolved once per compilation. Refit and gRPC are
/// optional: when the compilation does not reference them, their symbols are null and nothing of theirs is emitted.
/// </summary>
internal sealed class ThrottlingSymbols
{
    private ThrottlingSymbols(Compilation compilation)
    {
        Task = compilation.GetBestTypeByMetadataName(KnownTypeNames.Task);
        TaskOfT = compilation.GetBestTypeByMetadataName(KnownTypeNames.TaskOfT);
        ValueTask = compilation.GetBestTypeByMetadataName(KnownTypeNames.ValueTask);
        ValueTaskOfT = compilation.GetBestTypeByMetadataName(KnownTypeNames.ValueTaskOfT);
        AsyncEnumerableOfT = compilation.GetBestTypeByMetadataName("System.Collections.Generic.IAsyncEnumerable`1");
        CancellationToken = compilation.GetBestTypeByMetadataName(KnownTypeNames.CancellationToken);
        HttpResponseMessage = compilation.GetBestTypeByMetadataName(KnownTypeNames.HttpResponseMessage);
        Disposable = compilation.GetBestTypeByMetadataName("System.IDisposable");
        AsyncDisposable = compilation.GetBestTypeByMetadataName("System.IAsyncDisposable");
        RefitApiResponse = compilation.GetBestTypeByMetadataName("Refit.IApiResponse");
        RefitApiException = compilation.GetBestTypeByMetadataName("Refit.ApiException");
        GrpcRpcException = compilation.GetBestTypeByMetadataName("Grpc.Core.RpcException");
        ModuleInitializerAttribute = compilation.GetBestTypeByMetadataName("System.Runtime.CompilerServices.ModuleInitializerAttribute");
        SlotsAttribute = compilation.GetBestTypeByMetadataName(KnownTypeNames.SlotsAttribute);
        RateLimitAttribute = compilation.GetBestTypeByMetadataName(KnownTypeNames.RateLimitAttribute);
        BackoffAttribute = compilation.GetBestTypeByMetadataName(KnownTypeNames.BackoffAttribute);
        UnthrottledAttribute = compilation.GetBestTypeByMetadataName(KnownTypeNames.UnthrottledAttribute);
        CostAttribute = compilation.GetBestTypeByMetadataName(KnownTypeNames.CostAttribute);
        GeneratedCodeAttribute = compilation.GetBestTypeByMetadataName(KnownTypeNames.GeneratedCodeAttribute);
    }

    public INamedTypeSymbol? Task { get; }

    public INamedTypeSymbol? TaskOfT { get; }

    public INamedTypeSymbol? ValueTask { get; }

    public INamedTypeSymbol? ValueTaskOfT { get; }

    public INamedTypeSymbol? AsyncEnumerableOfT { get; }

    public INamedTypeSymbol? CancellationToken { get; }

    public INamedTypeSymbol? HttpResponseMessage { get; }

    public INamedTypeSymbol? Disposable { get; }

    public INamedTypeSymbol? AsyncDisposable { get; }

    public INamedTypeSymbol? RefitApiResponse { get; }

    public INamedTypeSymbol? RefitApiException { get; }

    public INamedTypeSymbol? GrpcRpcException { get; }

    public INamedTypeSymbol? ModuleInitializerAttribute { get; }

    public INamedTypeSymbol? SlotsAttribute { get; }

    public INamedTypeSymbol? RateLimitAttribute { get; }

    public INamedTypeSymbol? BackoffAttribute { get; }

    public INamedTypeSymbol? UnthrottledAttribute { get; }

    public INamedTypeSymbol? CostAttribute { get; }

    public INamedTypeSymbol? GeneratedCodeAttribute { get; }

    /// <summary>Whether the Throttling attributes are there at all; without them nothing applies.</summary>
    public bool HasAttributes => SlotsAttribute is not null && RateLimitAttribute is not null;

    public static ThrottlingSymbols Create(Compilation compilation) => new(compilation);

    /// <summary>
    /// The symbols, or null when the compilation does not reference the Throttling package, for the rules that have
    /// nothing to check without it (<see cref="ExplicitReferences"/>: cheap enough to ask first).
    /// </summary>
    public static ThrottlingSymbols? CreateIfReferenced(Compilation compilation)
        => compilation.AssemblyName == KnownTypeNames.RuntimeAssembly || ExplicitReferences.Include(compilation, KnownTypeNames.RuntimeAssembly)
            ? new(compilation)
            : null;

    /// <summary>Whether <paramref name="type"/> carries <c>[Slots]</c> or <c>[RateLimit]</c>: a throttled client.</summary>
    public bool IsThrottledClient(INamedTypeSymbol type)
    {
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (Is(attribute, SlotsAttribute) || Is(attribute, RateLimitAttribute))
            {
                return true;
            }
        }

        return false;
    }

    public static bool Is(AttributeData attribute, INamedTypeSymbol? type)
        => type is not null && SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, type);
}
