using System.Collections.Concurrent;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Throttling.Analyzers.Infrastructure;

/// <summary>
/// Finds the async twin of a synchronous method: <c>MAsync</c> on the same type or a base, with M's parameters (plus an
/// optional trailing <c>CancellationToken</c>) and returning a task of M's result. One instance per compilation; answers are
/// cached per method definition.
/// </summary>
internal sealed class AsyncTwinFinder
{
    private readonly AsyncSymbols _symbols;
    private readonly ConcurrentDictionary<IMethodSymbol, IMethodSymbol?> _twins = new(SymbolEqualityComparer.Default);
    private readonly System.Func<IMethodSymbol, IMethodSymbol?> _find;

    public AsyncTwinFinder(AsyncSymbols symbols)
    {
        _symbols = symbols;
        _find = Find;
    }

    public IMethodSymbol? TwinOf(IMethodSymbol method) => _twins.GetOrAdd(method.OriginalDefinition, _find);

    private IMethodSymbol? Find(IMethodSymbol method)
    {
        // Dispose: using handles it. Add/AddRange: EF Core's AddAsync exists for special value generators only, and
        // its documentation advises the synchronous methods.
        if (method.Name is "Dispose" or "Add" or "AddRange" || _symbols.IsTaskLike(method.ReturnType.OriginalDefinition as INamedTypeSymbol)
            || method.ContainingType is null || method.MethodKind != MethodKind.Ordinary)
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
