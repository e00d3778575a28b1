using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Throttling.Analyzers.Infrastructure;

/// <summary>
/// Whether a synchronous call waits on I/O. An async twin existing proves nothing (a parser's <c>ParseDocumentAsync</c>
/// wraps the same CPU work); the evidence is the type that does the work: files, streams, sockets, HTTP, data
/// commands, processes, or a parameter that is one of those. In-memory streams, readers and writers are not I/O.
/// Users add their own types or namespaces with <see cref="BlockingTypesOption"/>.
/// </summary>
internal sealed class BlockingIoEvidence
{
    /// <summary>
    /// The .editorconfig key listing more types (metadata names) or namespaces (<c>Name.Space.*</c>) whose synchronous
    /// members block, separated by commas (.editorconfig reads a semicolon as the start of a comment).
    /// </summary>
    public const string BlockingTypesOption = "throttling.THR002.blocking_types";

    // Namespaces, with their sub-namespaces, whose types wrap files, streams, sockets, HTTP and databases.
    private static readonly ImmutableArray<string> IoNamespaces = ImmutableArray.Create("System.IO", "System.Net", "System.Data", "Microsoft.Data");

    // I/O-bound types outside those namespaces.
    private static readonly ImmutableArray<string> IoTypeNames = ImmutableArray.Create(
        "System.Diagnostics.Process",
        "System.Threading.SemaphoreSlim",
        "Microsoft.EntityFrameworkCore.DbContext",
        "Microsoft.EntityFrameworkCore.Infrastructure.DatabaseFacade",
        "Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction");

    private static readonly ImmutableArray<string> InMemoryTypeNames = ImmutableArray.Create(
        "System.IO.MemoryStream", "System.IO.UnmanagedMemoryStream", "System.IO.StringReader", "System.IO.StringWriter");

    private static readonly char[] Separators = { ',' };

    private readonly ImmutableArray<INamedTypeSymbol> _ioTypes;
    private readonly ImmutableArray<INamedTypeSymbol> _inMemoryTypes;
    private readonly ConcurrentDictionary<ITypeSymbol, IoKind> _kinds = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<string, UserTypes> _userTypes = new(StringComparer.Ordinal);
    private readonly Func<ITypeSymbol, IoKind> _classify;

    public BlockingIoEvidence(Compilation compilation)
    {
        _ioTypes = Resolve(compilation, IoTypeNames);
        _inMemoryTypes = Resolve(compilation, InMemoryTypeNames);
        _classify = Classify;
    }

    private enum IoKind
    {
        None,
        Io,
        InMemory,
    }

    /// <summary>Whether <paramref name="invocation"/> does I/O: through its type, its receiver, or a stream-like argument.</summary>
    public bool DoesIo(IInvocationOperation invocation, AnalyzerConfigOptions options)
    {
        UserTypes user = UserTypesOf(options);
        IMethodSymbol method = invocation.TargetMethod;
        if (invocation.Instance?.Type is { } receiver && KindOf(receiver, user) == IoKind.InMemory)
        {
            return false;
        }

        if (KindOf(method.ContainingType, user) == IoKind.Io)
        {
            return true;
        }

        // JsonSerializer.Deserialize(stream), connection.Query(...) from Dapper: the I/O comes in through an argument.
        foreach (IArgumentOperation argument in invocation.Arguments)
        {
            if (argument.Parameter is { } parameter && KindOf(parameter.Type, user) == IoKind.Io
                && KindOf(OperationScope.Unwrap(argument.Value).Type, user) != IoKind.InMemory)
            {
                return true;
            }
        }

        return false;
    }

    private IoKind KindOf(ITypeSymbol? type, UserTypes user)
    {
        if (type is null)
        {
            return IoKind.None;
        }

        IoKind kind = _kinds.GetOrAdd(type.OriginalDefinition, _classify);
        return kind == IoKind.None && user.Matches(type) ? IoKind.Io : kind;
    }

    private IoKind Classify(ITypeSymbol type)
    {
        foreach (ITypeSymbol candidate in SelfBasesAndInterfaces(type))
        {
            if (_inMemoryTypes.Contains(candidate.OriginalDefinition, SymbolEqualityComparer.Default))
            {
                return IoKind.InMemory;
            }
        }

        foreach (ITypeSymbol candidate in SelfBasesAndInterfaces(type))
        {
            if (_ioTypes.Contains(candidate.OriginalDefinition, SymbolEqualityComparer.Default) || IsInIoNamespace(candidate))
            {
                return IoKind.Io;
            }
        }

        return IoKind.None;
    }

    private static bool IsInIoNamespace(ITypeSymbol type)
    {
        string name = NamespaceOf(type);
        return IoNamespaces.Any(io => IsSameOrInside(name, io));
    }

    private static string NamespaceOf(ITypeSymbol type)
        => type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : string.Empty;

    private static bool IsSameOrInside(string name, string outer)
        => name.StartsWith(outer, StringComparison.Ordinal) && (name.Length == outer.Length || name[outer.Length] == '.');

    private static IEnumerable<ITypeSymbol> SelfBasesAndInterfaces(ITypeSymbol type)
    {
        for (ITypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            yield return current;
        }

        foreach (INamedTypeSymbol implemented in type.AllInterfaces)
        {
            yield return implemented;
        }
    }

    private UserTypes UserTypesOf(AnalyzerConfigOptions options)
        => options.TryGetValue(BlockingTypesOption, out string? text) && !string.IsNullOrWhiteSpace(text)
            ? _userTypes.GetOrAdd(text, UserTypes.Parse)
            : UserTypes.None;

    private static ImmutableArray<INamedTypeSymbol> Resolve(Compilation compilation, ImmutableArray<string> names)
        => names.Select(compilation.GetTypeByMetadataName).Where(t => t is not null).Select(t => t!).ToImmutableArray();

    /// <summary>The types and namespaces a user listed in <see cref="BlockingTypesOption"/>.</summary>
    private sealed class UserTypes
    {
        public static readonly UserTypes None = new(ImmutableHashSet<string>.Empty, ImmutableArray<string>.Empty);

        private readonly ImmutableHashSet<string> _types;
        private readonly ImmutableArray<string> _namespaces;

        private UserTypes(ImmutableHashSet<string> types, ImmutableArray<string> namespaces)
        {
            _types = types;
            _namespaces = namespaces;
        }

        public static UserTypes Parse(string text)
        {
            string[] entries = text.Split(Separators, StringSplitOptions.RemoveEmptyEntries).Select(e => e.Trim()).Where(e => e.Length > 0).ToArray();
            return new UserTypes(
                entries.Where(e => !e.EndsWith(".*", StringComparison.Ordinal)).ToImmutableHashSet(StringComparer.Ordinal),
                entries.Where(e => e.EndsWith(".*", StringComparison.Ordinal)).Select(e => e.Substring(0, e.Length - 2)).ToImmutableArray());
        }

        public bool Matches(ITypeSymbol type)
        {
            if (_types.IsEmpty && _namespaces.IsEmpty)
            {
                return false;
            }

            foreach (ITypeSymbol candidate in SelfBasesAndInterfaces(type))
            {
                string ns = NamespaceOf(candidate);
                string name = ns.Length == 0 ? candidate.MetadataName : ns + "." + candidate.MetadataName;
                if (_types.Contains(name) || _namespaces.Any(n => IsSameOrInside(ns, n)))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
