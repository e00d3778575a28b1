using Microsoft.CodeAnalysis;
using Throttling.Roslyn;

namespace Throttling.Analyzers.Infrastructure;

/// <summary>
/// Recognizes calls whose concurrency is already bounded by Throttling: through an interface with <c>[Slots]</c>, or a
/// generated <c>Throttled{Name}</c> class.
/// </summary>
internal static class ThrottledTypes
{
    public const string GeneratorName = "Throttling.Generators";

    public static bool IsSlotBounded(ITypeSymbol? type, ThrottlingSymbols symbols)
    {
        if (type is not INamedTypeSymbol named)
        {
            return false;
        }

        foreach (AttributeData attribute in named.OriginalDefinition.GetAttributes())
        {
            if (ThrottlingSymbols.Is(attribute, symbols.SlotsAttribute))
            {
                return true;
            }

            if (ThrottlingSymbols.Is(attribute, symbols.GeneratedCodeAttribute)
                && attribute.ConstructorArguments.Length > 0
                && attribute.ConstructorArguments[0].Value as string == GeneratorName)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="type"/> is a throttled client at all (slots or rate limits), or implements one.</summary>
    public static bool IsThrottledClientOrImplementation(INamedTypeSymbol? type, ThrottlingSymbols symbols)
    {
        if (type is null || !symbols.HasAttributes)
        {
            return false;
        }

        if (IsSlotBounded(type, symbols) || symbols.IsThrottledClient(type))
        {
            return true;
        }

        foreach (INamedTypeSymbol implemented in type.AllInterfaces)
        {
            if (symbols.IsThrottledClient(implemented.OriginalDefinition))
            {
                return true;
            }
        }

        return false;
    }
}
