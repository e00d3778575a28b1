using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Throttling.Roslyn;
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
    private static readonly string[][] IoNamespaces = { new[] { "System", "IO" }, new[] { "System", "Net" }, new[] { "System", "Data" }, new[] { "Microsoft", "Data" } };

    // I/O-bound types outside those namespaces.
    private static readonly ImmutableArray<string> IoTypeNames = ImmutableArray.Create(
        "System.Diagnostics.Process",
        "System.Threading.SemaphoreSlim",
        "Microsoft.EntityFrameworkCore.DbContext",
        "Microsoft.EntityFrameworkCore.Infrastructure.DatabaseFacade",
        "Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction");

    // In-memory types inside those namespaces. System.IO.Pipelines' pipes are buffers: their I/O happens in the stream
    // or socket behind them, which is what FlushAsync reaches.
    private static readonly ImmutableArray<string> InMemoryTypeNames = ImmutableArray.Create(
        "System.IO.MemoryStream", "System.IO.UnmanagedMemoryStream", "System.IO.StringReader", "System.IO.StringWriter",
        "System.IO.Pipelines.PipeWriter", "System.IO.Pipelines.PipeReader");

    private static readonly char[] Separators = { ',' };

    private readonly ImmutableArray<INamedTypeSymbol> _ioTypes;
    private readonly ImmutableArray<INamedTypeSymbol> _inMemoryTypes;
    private readonly ConcurrentDictionary<ITypeSymbol, IoKind> _kinds = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<SyntaxTree, UserTypes> _userTypes = new();
    private readonly AnalyzerConfigOptionsProvider _options;
    private readonly Func<ITypeSymbol, IoKind> _classify;
    private readonly Func<SyntaxTree, UserTypes> _readUserTypes;

    public BlockingIoEvidence(Compilation compilation, AnalyzerConfigOptionsProvider options)
    {
        _ioTypes = Resolve(compilation, IoTypeNames);
        _inMemoryTypes = Resolve(compilation, InMemoryTypeNames);
        _options = options;
        _classify = Classify;
        _readUserTypes = ReadUserTypes;
    }

    // A class rather than an enum: a cache keyed to a value type would need its generic code compiled just in time
    // on every cold build, which costs more than all the lookups it serves.
    private sealed class IoKind
    {
        public static readonly IoKind None = new();
        public static readonly IoKind Io = new();
        public static readonly IoKind InMemory = new();
    }

    /// <summary>Whether <paramref name="invocation"/> does I/O: through its type, its receiver, or a stream-like argument.</summary>
    public bool DoesIo(IInvocationOperation invocation)
    {
        UserTypes user = _userTypes.GetOrAdd(invocation.Syntax.SyntaxTree, _readUserTypes);
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

    // The type and its base types; interfaces are not walked (costly to load, and the built-in list needs none but
    // IDbContextTransaction, which is called through the interface itself).
    private IoKind Classify(ITypeSymbol type)
    {
        for (ITypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (_inMemoryTypes.Contains(current.OriginalDefinition, SymbolEqualityComparer.Default))
            {
                return IoKind.InMemory;
            }
        }

        for (ITypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (_ioTypes.Contains(current.OriginalDefinition, SymbolEqualityComparer.Default) || IoNamespaces.Any(io => IsInside(current.ContainingNamespace, io)))
            {
                return IoKind.Io;
            }
        }

        return IoKind.None;
    }

    // Whether the namespace is outer (its parts, outermost first) or inside it; compares names, allocates nothing.
    private static bool IsInside(INamespaceSymbol? ns, string[] outer)
    {
        int depth = 0;
        for (INamespaceSymbol? current = ns; current is { IsGlobalNamespace: false }; current = current.ContainingNamespace)
        {
            depth++;
        }

        if (depth < outer.Length)
        {
            return false;
        }

        INamespaceSymbol? level = ns;
        for (int i = depth; i > outer.Length; i--)
        {
            level = level!.ContainingNamespace;
        }

        for (int i = outer.Length - 1; i >= 0; i--, level = level.ContainingNamespace)
        {
            if (level!.Name != outer[i])
            {
                return false;
            }
        }

        return true;
    }

    private static string MetadataNameOf(ITypeSymbol type)
        => type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + type.MetadataName : type.MetadataName;

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

    private UserTypes ReadUserTypes(SyntaxTree tree)
        => _options.GetOptions(tree).TryGetValue(BlockingTypesOption, out string? text) && !string.IsNullOrWhiteSpace(text)
            ? UserTypes.Parse(text)
            : UserTypes.None;

    private static ImmutableArray<INamedTypeSymbol> Resolve(Compilation compilation, ImmutableArray<string> names)
        => names.Select(compilation.GetBestTypeByMetadataName).Where(t => t is not null).Select(t => t!).ToImmutableArray();

    /// <summary>The types and namespaces a user listed in <see cref="BlockingTypesOption"/>.</summary>
    private sealed class UserTypes
    {
        public static readonly UserTypes None = new(ImmutableHashSet<string>.Empty, ImmutableArray<string[]>.Empty);

        private readonly ImmutableHashSet<string> _types;
        private readonly ImmutableArray<string[]> _namespaces;

        private UserTypes(ImmutableHashSet<string> types, ImmutableArray<string[]> namespaces)
        {
            _types = types;
            _namespaces = namespaces;
        }

        public static UserTypes Parse(string text)
        {
            string[] entries = text.Split(Separators, StringSplitOptions.RemoveEmptyEntries).Select(e => e.Trim()).Where(e => e.Length > 0).ToArray();
            return new UserTypes(
                entries.Where(e => !e.EndsWith(".*", StringComparison.Ordinal)).ToImmutableHashSet(StringComparer.Ordinal),
                entries.Where(e => e.EndsWith(".*", StringComparison.Ordinal)).Select(e => e.Substring(0, e.Length - 2).Split('.')).ToImmutableArray());
        }

        public bool Matches(ITypeSymbol type)
        {
            if (_types.IsEmpty && _namespaces.IsEmpty)
            {
                return false;
            }

            foreach (ITypeSymbol candidate in SelfBasesAndInterfaces(type))
            {
                if (_namespaces.Any(n => IsInside(candidate.ContainingNamespace, n)) || (!_types.IsEmpty && _types.Contains(MetadataNameOf(candidate))))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
