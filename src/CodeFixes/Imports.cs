using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Simplification;

namespace Throttling.CodeFixes;

/// <summary>
/// Adds the usings for the fully qualified names a fix wrote (marked with <see cref="Simplifier.AddImportsAnnotation"/>);
/// the code action's cleanup then shortens the names.
/// </summary>
internal static class Imports
{
    public static async Task<Document> WithRootAsync(Document document, SyntaxNode root, CancellationToken cancellationToken)
        => await Microsoft.CodeAnalysis.Editing.ImportAdder.AddImportsAsync(document.WithSyntaxRoot(root), Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);

    /// <summary>The document with <paramref name="old"/> replaced, and the usings its replacement needs added.</summary>
    public static async Task<Document> ReplaceAsync(Document document, SyntaxNode old, SyntaxNode replacement, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        return await WithRootAsync(document, root.ReplaceNode(old, replacement), cancellationToken).ConfigureAwait(false);
    }
}
