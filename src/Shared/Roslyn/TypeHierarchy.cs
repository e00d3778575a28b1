using Microsoft.CodeAnalysis;

namespace Throttling.Roslyn;

/// <summary>Walks base types: the one test of "is this, or derives from, that" every rule and the generator use.</summary>
internal static class TypeHierarchy
{
    /// <summary>Whether <paramref name="type"/> is <paramref name="expected"/> or derives from it; false when either is unknown.</summary>
    public static bool IsOrDerivesFrom(ITypeSymbol? type, INamedTypeSymbol? expected)
    {
        if (expected is null)
        {
            return false;
        }

        for (ITypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, expected))
            {
                return true;
            }
        }

        return false;
    }
}
