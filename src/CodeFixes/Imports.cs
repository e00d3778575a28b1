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
}
