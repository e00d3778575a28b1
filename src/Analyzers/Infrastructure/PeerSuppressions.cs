using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Throttling.Roslyn;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Throttling.Analyzers.Infrastructure;

/// <summary>
/// Where the user has already decided about the same problem: a peer analyzer's rule suppressed with
/// <c>[SuppressMessage]</c> (on the member, a containing type, or at assembly level with a matching <c>Target</c>) or with
/// <c>#pragma warning disable</c>. Our rule then stays quiet too, rather than asking the same question again.
/// </summary>
internal sealed class PeerSuppressions
{
    private readonly ImmutableHashSet<string> _peerIds;
    private readonly INamedTypeSymbol? _suppressMessage;
    private readonly ImmutableArray<string> _assemblyTargets;
    private readonly ConcurrentDictionary<SyntaxTree, ImmutableArray<PragmaChange>> _pragmas = new();

    public PeerSuppressions(Compilation compilation, params string[] peerIds)
    {
        _peerIds = peerIds.ToImmutableHashSet(StringComparer.OrdinalIgnoreCase);
        _suppressMessage = compilation.GetBestTypeByMetadataName("System.Diagnostics.CodeAnalysis.SuppressMessageAttribute");
        _assemblyTargets = compilation.Assembly.GetAttributes()
            .Where(NamesPeer)
            .Select(a => a.NamedArguments.FirstOrDefault(n => n.Key == "Target").Value.Value as string)
            .Where(t => !string.IsNullOrEmpty(t))
            // "~M:N.C.M(System.String)~System.Boolean": the tool-written form adds the return type after a second '~'.
            .Select(t => t!.TrimStart('~').Split('~')[0])
            .ToImmutableArray();
    }

    /// <summary>Whether a peer rule is suppressed for code at <paramref name="syntax"/> inside <paramref name="member"/>.</summary>
    public bool Covers(ISymbol member, SyntaxNode syntax) => IsSuppressedByAttribute(member) || IsDisabledByPragma(syntax);

    private bool IsSuppressedByAttribute(ISymbol member)
    {
        for (ISymbol? current = member; current is not null and not INamespaceSymbol; current = current.ContainingSymbol)
        {
            if (current.GetAttributes().Any(NamesPeer))
            {
                return true;
            }

            if (!_assemblyTargets.IsEmpty && current.GetDocumentationCommentId() is { } id && _assemblyTargets.Contains(id, StringComparer.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private bool NamesPeer(AttributeData attribute)
        => _suppressMessage is not null
            && SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, _suppressMessage)
            && attribute.ConstructorArguments.Length == 2
            && attribute.ConstructorArguments[1].Value is string checkId
            && _peerIds.Contains(checkId.Split(':')[0].Trim());

    // The last pragma before the position decides, per peer rule.
    private bool IsDisabledByPragma(SyntaxNode syntax)
    {
        ImmutableArray<PragmaChange> changes = _pragmas.GetOrAdd(syntax.SyntaxTree, ReadPragmas);
        if (changes.IsEmpty)
        {
            return false;
        }

        var disabled = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (PragmaChange change in changes)
        {
            if (change.Position >= syntax.SpanStart)
            {
                break;
            }

            foreach (string id in change.Ids)
            {
                if (change.Disables)
                {
                    disabled.Add(id);
                }
                else
                {
                    disabled.Remove(id);
                }
            }
        }

        return disabled.Count > 0;
    }

    private ImmutableArray<PragmaChange> ReadPragmas(SyntaxTree tree)
    {
        SyntaxNode root = tree.GetRoot();
        if (!root.ContainsDirectives)
        {
            return ImmutableArray<PragmaChange>.Empty;
        }

        return root.DescendantTrivia(node => node.ContainsDirectives)
            .Where(t => t.IsKind(SyntaxKind.PragmaWarningDirectiveTrivia))
            .Select(t => (PragmaWarningDirectiveTriviaSyntax)t.GetStructure()!)
            .Select(p => new PragmaChange(
                p.SpanStart,
                p.DisableOrRestoreKeyword.IsKind(SyntaxKind.DisableKeyword),
                p.ErrorCodes.Count == 0 ? _peerIds.ToImmutableArray() : p.ErrorCodes.Select(c => c.ToString().Trim()).Where(_peerIds.Contains).ToImmutableArray()))
            .Where(c => !c.Ids.IsEmpty)
            .ToImmutableArray();
    }

    private readonly struct PragmaChange
    {
        public PragmaChange(int position, bool disables, ImmutableArray<string> ids)
        {
            Position = position;
            Disables = disables;
            Ids = ids;
        }

        public int Position { get; }

        public bool Disables { get; }

        public ImmutableArray<string> Ids { get; }
    }
}
