using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Throttling.Analyzers;
using Throttling.Analyzers.Rules;
using Kinds = Throttling.Analyzers.Rules.ReleaseSlotOnEveryPathAnalyzer.Kinds;

namespace Throttling.CodeFixes;

/// <summary>
/// THR004: moves a wait out of the <c>try</c> that releases it; wraps the work between a wait and its release in
/// <c>try</c>/<c>finally</c>; declares a lease with <c>using</c>. Offered only where the statements involved share a block.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReleaseSlotOnEveryPathCodeFixProvider))]
public sealed class ReleaseSlotOnEveryPathCodeFixProvider : CodeFixProvider
{
    private const string MoveWaitTitle = "Wait before the try";
    private const string FinallyTitle = "Release in a finally";
    private const string UsingTitle = "Dispose the lease with using";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.UnbalancedSlot);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            SyntaxNode? node = root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            StatementSyntax? statement = node?.FirstAncestorOrSelf<StatementSyntax>(s => s.Parent is BlockSyntax);
            if (statement?.Parent is not BlockSyntax block)
            {
                continue;
            }

            diagnostic.Properties.TryGetValue(ReleaseSlotOnEveryPathAnalyzer.KindProperty, out string? kind);
            switch (kind)
            {
                // A catch on that try would stop seeing a cancelled wait, so only a try/finally is rewritten.
                case Kinds.WaitInsideTry when block.Parent is TryStatementSyntax { Catches.Count: 0 } tryStatement && block.Statements.First() == statement && tryStatement.Parent is BlockSyntax:
                    Register(context, diagnostic, MoveWaitTitle, ct => MoveBeforeTry(context.Document, statement, tryStatement, ct));
                    break;
                case Kinds.ReleaseNotInFinally when ReleaseAfter(statement, block) is { } release && CanWrap(block, statement, release):
                    Register(context, diagnostic, FinallyTitle, ct => WrapInTryFinally(context.Document, block, statement, release, ct));
                    break;
                case Kinds.LeaseNotDisposed when statement is LocalDeclarationStatementSyntax { UsingKeyword.RawKind: 0 } declaration
                    && declaration.Declaration.Variables.Count == 1
                    && CanDeclareWithUsing(block, declaration):
                    Register(context, diagnostic, UsingTitle, ct => DeclareWithUsing(context.Document, block, declaration, ct));
                    break;
            }
        }
    }

    private static void Register(CodeFixContext context, Diagnostic diagnostic, string title, System.Func<CancellationToken, Task<Document>> fix)
        => context.RegisterCodeFix(CodeAction.Create(title, fix, equivalenceKey: title), diagnostic);

    // The first `x.Release();` after the wait in the same block, releasing what the wait waited on.
    private static ExpressionStatementSyntax? ReleaseAfter(StatementSyntax wait, BlockSyntax block)
    {
        string? semaphore = wait.DescendantNodes().OfType<MemberAccessExpressionSyntax>()
            .FirstOrDefault(m => m.Name.Identifier.ValueText is "WaitAsync" or "Wait")?.Expression.ToString();
        return block.Statements.SkipWhile(s => s != wait).Skip(1).OfType<ExpressionStatementSyntax>()
            .FirstOrDefault(s => s.Expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Release" } access }
                && access.Expression.ToString() == semaphore);
    }

    // The statements between the wait and the release move into a try: none may release again (that would release twice)
    // or declare a local that code after the release still reads (it would leave its scope).
    private static bool CanWrap(BlockSyntax block, StatementSyntax wait, ExpressionStatementSyntax release)
    {
        StatementSyntax[] region = block.Statements.SkipWhile(s => s != wait).Skip(1).TakeWhile(s => s != release).ToArray();
        string semaphore = ((MemberAccessExpressionSyntax)((InvocationExpressionSyntax)release.Expression).Expression).Expression.ToString();
        bool releasesAgain = region.Any(s => s.DescendantNodes().OfType<InvocationExpressionSyntax>()
            .Any(i => i.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Release" } access && access.Expression.ToString() == semaphore));
        HashSet<string> declared = new(region.OfType<LocalDeclarationStatementSyntax>().SelectMany(d => d.Declaration.Variables).Select(v => v.Identifier.ValueText));
        bool readLater = block.Statements.SkipWhile(s => s != release).Skip(1)
            .Any(s => s.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(n => declared.Contains(n.Identifier.ValueText)));
        return !releasesAgain && !readLater;
    }

    // A using declaration holds the lease to the end of the block: right only when it was disposed there anyway (or
    // never), and the local is not assigned again (a using local cannot be).
    private static bool CanDeclareWithUsing(BlockSyntax block, LocalDeclarationStatementSyntax declaration)
    {
        string lease = declaration.Declaration.Variables[0].Identifier.ValueText;
        StatementSyntax[] after = block.Statements.SkipWhile(s => s != declaration).Skip(1).ToArray();
        StatementSyntax? dispose = after.FirstOrDefault(s => IsDisposeOf(s, lease));
        bool reassigned = after.Any(s => s.DescendantNodesAndSelf().OfType<AssignmentExpressionSyntax>()
            .Any(a => a.Left is IdentifierNameSyntax { Identifier.ValueText: var name } && name == lease));
        return !reassigned && (dispose is null || dispose == after[after.Length - 1]);
    }

    private static bool IsDisposeOf(StatementSyntax statement, string lease)
        => statement is ExpressionStatementSyntax { Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Dispose", Expression: IdentifierNameSyntax target } } }
            && target.Identifier.ValueText == lease;

    private static async Task<Document> MoveBeforeTry(Document document, StatementSyntax wait, TryStatementSyntax tryStatement, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        TryStatementSyntax withoutWait = tryStatement.WithBlock(tryStatement.Block.WithStatements(tryStatement.Block.Statements.RemoveAt(0)));
        SyntaxNode updated = root.ReplaceNode(tryStatement, new SyntaxNode[]
        {
            wait.WithLeadingTrivia(tryStatement.GetLeadingTrivia()).WithAdditionalAnnotations(Formatter.Annotation),
            withoutWait.WithAdditionalAnnotations(Formatter.Annotation),
        });
        return document.WithSyntaxRoot(updated);
    }

    private static async Task<Document> WrapInTryFinally(Document document, BlockSyntax block, StatementSyntax wait, ExpressionStatementSyntax release, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        List<StatementSyntax> statements = block.Statements.ToList();
        int first = statements.IndexOf(wait) + 1;
        int last = statements.IndexOf(release);
        TryStatementSyntax guarded = SyntaxFactory.TryStatement(
            SyntaxFactory.Block(statements.Skip(first).Take(last - first)),
            default,
            SyntaxFactory.FinallyClause(SyntaxFactory.Block(release.WithoutLeadingTrivia())))
            .WithAdditionalAnnotations(Formatter.Annotation);
        statements.RemoveRange(first, last - first + 1);
        statements.Insert(first, guarded);
        return document.WithSyntaxRoot(root.ReplaceNode(block, block.WithStatements(SyntaxFactory.List(statements))));
    }

    private static async Task<Document> DeclareWithUsing(Document document, BlockSyntax block, LocalDeclarationStatementSyntax declaration, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        string lease = declaration.Declaration.Variables[0].Identifier.ValueText;
        LocalDeclarationStatementSyntax withUsing = declaration
            .WithoutLeadingTrivia()
            .WithUsingKeyword(SyntaxFactory.Token(SyntaxKind.UsingKeyword).WithTrailingTrivia(SyntaxFactory.Space))
            .WithLeadingTrivia(declaration.GetLeadingTrivia());
        var statements = new List<StatementSyntax>();
        foreach (StatementSyntax statement in block.Statements)
        {
            // The explicit Dispose the using now makes redundant.
            if (IsDisposeOf(statement, lease))
            {
                continue;
            }

            statements.Add(statement == declaration ? withUsing : statement);
        }

        return document.WithSyntaxRoot(root.ReplaceNode(block, block.WithStatements(SyntaxFactory.List(statements))));
    }
}
