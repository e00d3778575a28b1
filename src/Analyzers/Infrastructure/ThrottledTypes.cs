using System.Linq;
using Microsoft.CodeAnalysis;
using Throttling.Roslyn;

namespace Throttling.Analyzers.Infrastructure;

/// <summary>
/// Recognizes calls whose concurrency is already bounded by Throttling: through an interface with <c>[Slots]</c>, or the
/// generated <c>Throttled{Name}</c> class of one. Only slots bound concurrency: a client with rate limits alone bounds
/// how many calls start per window, not how many are in flight, whichever of its two names the call goes through.
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

        INamedTypeSymbol definition = named.OriginalDefinition;
        return HasSlots(definition, symbols)
            || (IsGenerated(definition, symbols) && definition.Interfaces.Any(decorated => HasSlots(decorated.OriginalDefinition, symbols)));
    }

    /// <summary>Whether <paramref name="type"/> is a throttled client at all (slots or rate limits), or implements one.</summary>
    public static bool IsThrottledClientOrImplementation(INamedTypeSymbol? type, ThrottlingSymbols symbols)
        => type is not null
            && symbols.HasAttributes
            && (symbols.IsThrottledClient(type)
                || IsGenerated(type.OriginalDefinition, symbols)
                || type.AllInterfaces.Any(implemented => symbols.IsThrottledClient(implemented.OriginalDefinition)));

    private static bool HasSlots(INamedTypeSymbol type, ThrottlingSymbols symbols)
        => type.GetAttributes().Any(attribute => ThrottlingSymbols.Is(attribute, symbols.SlotsAttribute));

    private static bool IsGenerated(INamedTypeSymbol type, ThrottlingSymbols symbols)
        => type.GetAttributes().Any(attribute => ThrottlingSymbols.Is(attribute, symbols.GeneratedCodeAttribute)
            && attribute.ConstructorArguments.Length > 0
            && attribute.ConstructorArguments[0].Value as string == GeneratorName);
}
