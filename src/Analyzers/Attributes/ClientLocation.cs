using System.Linq;
using Microsoft.CodeAnalysis;

namespace Throttling.Analyzers.Attributes;

/// <summary>Where a diagnostic about a client's member goes: the member when the client declares it, else the client.</summary>
internal static class ClientLocation
{
    public static Location Of(ISymbol member, INamedTypeSymbol client)
        => SymbolEqualityComparer.Default.Equals(member.ContainingType, client) && member.Locations.FirstOrDefault(l => l.IsInSource) is { } own
            ? own
            : client.Locations.FirstOrDefault() ?? Location.None;

    /// <summary>The member's name, qualified with its interface when the client inherits it.</summary>
    public static string NameOf(ISymbol member, INamedTypeSymbol client)
        => SymbolEqualityComparer.Default.Equals(member.ContainingType, client)
            ? member.Name
            : member.ContainingType.Name + "." + member.Name;
}
