using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace Throttling.CodeFixes;

/// <summary>
/// Fix All for a rule whose fixes come in several kinds: each diagnostic gets the first fix its provider offers for it,
/// whatever that fix's equivalence key, and a diagnostic with no safe fix is left as it is.
/// </summary>
/// <remarks>
/// The batch fixer applies only the fixes whose key matches the one Fix All was started with, and <c>dotnet format</c>
/// starts it with the key of the first diagnostic's fix, or none when that diagnostic has no fix: one pass fixed one kind,
/// or nothing. Here the fixes of one document are computed on the same text and merged; identical edits (the same using
/// added twice) are made once, and a fix that overlaps one already taken waits for the next pass rather than mangle it.
/// </remarks>
internal static class EveryKindFixAll
{
    public static FixAllProvider Instance { get; } = FixAllProvider.Create(FixDocumentAsync);

    private static async Task<Document?> FixDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        CancellationToken cancellationToken = context.CancellationToken;
        var accepted = new List<TextChange>();
        foreach (Diagnostic diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            if (await FirstFixAsync(context.CodeFixProvider, document, diagnostic, cancellationToken).ConfigureAwait(false) is not { } action)
            {
                continue;
            }

            ImmutableArray<CodeActionOperation> operations = await action.GetOperationsAsync(cancellationToken).ConfigureAwait(false);
            if (operations.OfType<ApplyChangesOperation>().FirstOrDefault()?.ChangedSolution.GetDocument(document.Id) is not { } fixedDocument)
            {
                continue;
            }

            TextChange[] changes = (await fixedDocument.GetTextChangesAsync(document, cancellationToken).ConfigureAwait(false)).ToArray();
            TextChange[] fresh = changes.Where(c => !accepted.Contains(c)).ToArray();
            if (!fresh.Any(c => accepted.Any(a => Overlap(a.Span, c.Span))))
            {
                accepted.AddRange(fresh);
            }
        }

        if (accepted.Count == 0)
        {
            return document;
        }

        SourceText text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
        return document.WithText(text.WithChanges(accepted.OrderBy(c => c.Span.Start).ThenBy(c => c.Span.End)));
    }

    private static async Task<CodeAction?> FirstFixAsync(CodeFixProvider provider, Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        CodeAction? first = null;
        await provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => first ??= action, cancellationToken)).ConfigureAwait(false);
        return first;
    }

    // Touching counts: two insertions at one place, or one at the edge of a replacement, have no agreed order.
    private static bool Overlap(TextSpan a, TextSpan b) => a.Start <= b.End && b.Start <= a.End;
}
