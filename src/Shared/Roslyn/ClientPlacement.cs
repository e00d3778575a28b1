using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Throttling.Roslyn;

/// <summary>
/// Where a client's <c>Throttled{Name}</c> class goes, shared by the generator (which emits it there) and THR104 (which
/// says why there is none). A top-level interface gets it beside itself; a nested one gets it nested beside itself when
/// every containing type is partial, and in its namespace ("flattened") when they are not and that is possible.
/// </summary>
internal static class ClientPlacement
{
    /// <summary><c>ISerpClient</c> → <c>ThrottledSerpClient</c>; a name without the I-prefix convention is kept whole.</summary>
    public static string ClassNameOf(string interfaceName)
    {
        bool hasPrefix = interfaceName.Length > 1 && interfaceName[0] == 'I' && char.IsUpper(interfaceName[1]);
        return "Throttled" + (hasPrefix ? interfaceName.Substring(1) : interfaceName);
    }

    /// <summary>The types containing <paramref name="client"/>, outermost first.</summary>
    public static List<INamedTypeSymbol> ContainersOf(INamedTypeSymbol client)
    {
        var chain = new List<INamedTypeSymbol>();
        for (INamedTypeSymbol? type = client.ContainingType; type is not null; type = type.ContainingType)
        {
            chain.Insert(0, type);
        }

        return chain;
    }

    /// <summary>Whether the client is nested in a type that is not partial, so that its class goes in the namespace.</summary>
    public static bool IsFlattened(INamedTypeSymbol client)
        => client.ContainingType is not null && !ContainersOf(client).All(IsPartial);

    /// <summary>Why <paramref name="client"/> can get no class, or null when it can.</summary>
    public static string? WhyNoClient(INamedTypeSymbol client, ThrottlingSymbols symbols)
    {
        if (!IsFlattened(client))
        {
            return null;
        }

        string outer = client.ContainingType!.Name;
        if (ContainersOf(client).Any(t => t.IsGenericType))
        {
            return $"{client.Name} is nested in a generic type that is not partial; make {outer} partial";
        }

        if (!IsVisibleToItsAssembly(client))
        {
            return $"{client.Name} is nested in {outer}, which is not partial, and is not visible outside it; make {outer} partial";
        }

        string className = ClassNameOf(client.Name);
        if (NamespaceTypes(client.ContainingNamespace).Any(other => Claims(other, className, client, symbols)))
        {
            return $"{client.Name} is nested in {outer}, which is not partial, and its client {className} would clash with another type of that name in its namespace; make {outer} partial";
        }

        return null;
    }

    /// <summary>
    /// The accessibility of a flattened class: it sits in the namespace, so it is public only when the interface is
    /// public all the way out.
    /// </summary>
    public static bool IsPublicAllTheWayOut(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            if (current.DeclaredAccessibility != Accessibility.Public)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether code elsewhere in the assembly can name <paramref name="type"/>.</summary>
    public static bool IsVisibleToItsAssembly(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            if (current.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsPartial(INamedTypeSymbol type)
        => type.DeclaringSyntaxReferences.All(r => r.GetSyntax() is TypeDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.PartialKeyword));

    // A type of the namespace named like the flattened class: one declared there, or another client whose class goes there.
    private static bool Claims(INamedTypeSymbol other, string className, INamedTypeSymbol client, ThrottlingSymbols symbols)
    {
        if (SymbolEqualityComparer.Default.Equals(other, client) || other.Arity != client.Arity)
        {
            return false;
        }

        if (other.ContainingType is null && other.Name == className)
        {
            return true;
        }

        return other.TypeKind == TypeKind.Interface
            && ClassNameOf(other.Name) == className
            && (other.ContainingType is null || IsFlattened(other))
            && symbols.IsThrottledClient(other);
    }

    private static IEnumerable<INamedTypeSymbol> NamespaceTypes(INamespaceSymbol ns)
    {
        var pending = new Stack<INamedTypeSymbol>(ns.GetTypeMembers());
        while (pending.Count > 0)
        {
            INamedTypeSymbol type = pending.Pop();
            yield return type;
            foreach (INamedTypeSymbol nested in type.GetTypeMembers())
            {
                pending.Push(nested);
            }
        }
    }
}
