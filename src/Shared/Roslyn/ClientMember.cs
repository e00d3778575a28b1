using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Throttling.Roslyn;

/// <summary>
/// Decides, once for the generator and the THR1xx analyzer, how each member of a client interface is handled, and why
/// a member that cannot be gated passes through.
/// </summary>
internal static class ClientMember
{
    /// <summary>The members a class implementing <paramref name="client"/> must provide, base interfaces' included.</summary>
    public static IEnumerable<ISymbol> ImplementedMembers(INamedTypeSymbol client)
        => new[] { client }.Concat(client.AllInterfaces)
            .SelectMany(i => i.GetMembers())
            .Where(m => m.Kind is SymbolKind.Method or SymbolKind.Property or SymbolKind.Event)
            .Where(m => m is not IMethodSymbol { MethodKind: not MethodKind.Ordinary })
            .Where(m => !m.IsStatic || m.IsAbstract);

    public static MemberHandling Classify(ISymbol member, ThrottlingSymbols symbols, out GatedShape shape, out string reason)
    {
        shape = GatedShape.None;
        reason = string.Empty;
        if (member.IsStatic)
        {
            reason = "it is static abstract, and no client can be generated for an interface with static abstract members";
            return MemberHandling.Unsupported;
        }

        if (IsDeclaredBy(member, symbols.Disposable) || IsDeclaredBy(member, symbols.AsyncDisposable))
        {
            return MemberHandling.Lifetime;
        }

        if (member is not IMethodSymbol method)
        {
            reason = member is IEventSymbol ? "it is an event" : "it is a property";
            return MemberHandling.PassedThrough;
        }

        if (method.GetAttributes().Any(a => ThrottlingSymbols.Is(a, symbols.UnthrottledAttribute)))
        {
            return MemberHandling.Unthrottled;
        }

        shape = ShapeOf(method.ReturnType, symbols);
        if (shape == GatedShape.None || method.ReturnsByRef || method.ReturnsByRefReadonly)
        {
            shape = GatedShape.None;
            reason = $"it returns {method.ReturnType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}; only Task, Task<T>, ValueTask, ValueTask<T> and IAsyncEnumerable<T> are gated";
            return MemberHandling.PassedThrough;
        }

        foreach (IParameterSymbol parameter in method.Parameters)
        {
            if (parameter.RefKind is RefKind.Ref or RefKind.Out)
            {
                shape = GatedShape.None;
                reason = $"its parameter '{parameter.Name}' is passed by reference";
                return MemberHandling.PassedThrough;
            }

            if (parameter.Type.IsRefLikeType || parameter.Type.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer)
            {
                shape = GatedShape.None;
                reason = $"its parameter '{parameter.Name}' cannot outlive the call ({parameter.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)})";
                return MemberHandling.PassedThrough;
            }
        }

        return MemberHandling.Gated;
    }

    /// <summary>The method's <see cref="System.Threading.CancellationToken"/> parameter, whatever its name.</summary>
    public static IParameterSymbol? CancellationTokenOf(IMethodSymbol method, ThrottlingSymbols symbols)
        => method.Parameters.FirstOrDefault(p => SymbolEqualityComparer.Default.Equals(p.Type, symbols.CancellationToken));

    private static GatedShape ShapeOf(ITypeSymbol returnType, ThrottlingSymbols symbols)
    {
        ITypeSymbol definition = returnType.OriginalDefinition;
        SymbolEqualityComparer comparer = SymbolEqualityComparer.Default;
        if (comparer.Equals(returnType, symbols.Task))
        {
            return GatedShape.Task;
        }

        if (comparer.Equals(returnType, symbols.ValueTask))
        {
            return GatedShape.ValueTask;
        }

        if (comparer.Equals(definition, symbols.TaskOfT))
        {
            return GatedShape.TaskOfT;
        }

        if (comparer.Equals(definition, symbols.ValueTaskOfT))
        {
            return GatedShape.ValueTaskOfT;
        }

        return comparer.Equals(definition, symbols.AsyncEnumerableOfT) ? GatedShape.AsyncEnumerable : GatedShape.None;
    }

    private static bool IsDeclaredBy(ISymbol member, INamedTypeSymbol? type)
        => type is not null && SymbolEqualityComparer.Default.Equals(member.ContainingType, type);
}
