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
using Microsoft.CodeAnalysis.Simplification;
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
    public override FixAllProvider GetFixAllProvider() => EveryKindFixAll.Instance;

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
                case Kinds.ReleaseNotInFinally when ReleaseAfter(statement, block) is { } release && CanWrap(block, statement, release, out LocalDeclarationStatementSyntax[] hoisted):
                    Register(context, diagnostic, FinallyTitle, ct => WrapInTryFinally(context.Document, block, statement, release, hoisted, ct));
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

    // The statements between the wait and the release move into a try: none may release again (that would release twice).
    // A local declared there that code after the release still reads (`var s = await Work(); gate.Release(); return s;`)
    // is declared before the try and assigned in it; one that cannot be (const, using, ref, or declared inside an
    // expression) blocks the fix.
    private static bool CanWrap(BlockSyntax block, StatementSyntax wait, ExpressionStatementSyntax release, out LocalDeclarationStatementSyntax[] hoisted)
    {
        StatementSyntax[] region = block.Statements.SkipWhile(s => s != wait).Skip(1).TakeWhile(s => s != release).ToArray();
        string semaphore = ((MemberAccessExpressionSyntax)((InvocationExpressionSyntax)release.Expression).Expression).Expression.ToString();
        bool releasesAgain = region.Any(s => s.DescendantNodes().OfType<InvocationExpressionSyntax>()
            .Any(i => i.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Release" } access && access.Expression.ToString() == semaphore));
        HashSet<string> readLater = new(block.Statements.SkipWhile(s => s != release).Skip(1)
            .SelectMany(s => s.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>()).Select(n => n.Identifier.ValueText));
        hoisted = region.OfType<LocalDeclarationStatementSyntax>()
            .Where(d => d.Declaration.Variables.Any(v => readLater.Contains(v.Identifier.ValueText)))
            .ToArray();
        bool declaredInExpressions = region.Where(s => s is not LocalDeclarationStatementSyntax)
            .SelectMany(s => s.DescendantNodes().OfType<SingleVariableDesignationSyntax>())
            .Any(v => readLater.Contains(v.Identifier.ValueText));
        return !releasesAgain && !declaredInExpressions && hoisted.All(IsHoistable);
    }

    private static bool IsHoistable(LocalDeclarationStatementSyntax declaration)
        => declaration.Modifiers.Count == 0 && declaration.UsingKeyword.RawKind == 0 && declaration.Declaration.Type is not RefTypeSyntax;

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

    private static async Task<Document> WrapInTryFinally(Document document, BlockSyntax block, StatementSyntax wait, ExpressionStatementSyntax release, LocalDeclarationStatementSyntax[] hoisted, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        Hoisting hoisting = await HoistAsync(document, hoisted, cancellationToken).ConfigureAwait(false);
        List<StatementSyntax> statements = block.Statements.ToList();
        int first = statements.IndexOf(wait) + 1;
        int last = statements.IndexOf(release);
        IEnumerable<StatementSyntax> guardedStatements = statements.Skip(first).Take(last - first)
            .SelectMany(s => s is LocalDeclarationStatementSyntax declaration && hoisted.Contains(declaration) ? hoisting.Assignments[declaration] : new[] { s });
        TryStatementSyntax guarded = SyntaxFactory.TryStatement(
            SyntaxFactory.Block(guardedStatements),
            default,
            SyntaxFactory.FinallyClause(SyntaxFactory.Block(release.WithoutLeadingTrivia())))
            .WithAdditionalAnnotations(Formatter.Annotation);
        statements.RemoveRange(first, last - first + 1);
        statements.Insert(first, guarded);
        statements.InsertRange(first, hoisting.Declarations);
        return await Imports.WithRootAsync(document, root.ReplaceNode(block, block.WithStatements(SyntaxFactory.List(statements))), cancellationToken).ConfigureAwait(false);
    }

    // `var s = await Work();` becomes `string s;` before the try and `s = await Work();` in it.
    private static async Task<Hoisting> HoistAsync(Document document, LocalDeclarationStatementSyntax[] hoisted, CancellationToken cancellationToken)
    {
        SemanticModel model = (await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false))!;
        var declarations = new List<StatementSyntax>();
        var assignments = new Dictionary<LocalDeclarationStatementSyntax, StatementSyntax[]>();
        foreach (LocalDeclarationStatementSyntax declaration in hoisted)
        {
            TypeSyntax type = declaration.Declaration.Type;
            if (type.IsVar && model.GetDeclaredSymbol(declaration.Declaration.Variables[0], cancellationToken) is ILocalSymbol { Type: { } inferred })
            {
                type = SyntaxFactory.ParseTypeName(inferred.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat))
                    .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
            }

            declarations.Add(SyntaxFactory.LocalDeclarationStatement(SyntaxFactory.VariableDeclaration(
                    type.WithTrailingTrivia(SyntaxFactory.Space),
                    SyntaxFactory.SeparatedList(declaration.Declaration.Variables.Select(v => SyntaxFactory.VariableDeclarator(v.Identifier))))
                ).WithLeadingTrivia(declaration.GetLeadingTrivia()).WithAdditionalAnnotations(Formatter.Annotation));
            assignments[declaration] = declaration.Declaration.Variables
                .Where(v => v.Initializer is not null)
                .Select(v => (StatementSyntax)SyntaxFactory.ExpressionStatement(SyntaxFactory.AssignmentExpression(
                    SyntaxKind.SimpleAssignmentExpression,
                    SyntaxFactory.IdentifierName(v.Identifier.WithoutTrivia()),
                    v.Initializer!.Value.WithoutTrivia())).WithAdditionalAnnotations(Formatter.Annotation))
                .ToArray();
        }

        return new Hoisting(declarations, assignments);
    }

    // The declarations that go before the try, and what each hoisted declaration leaves in it.
    private sealed record Hoisting(List<StatementSyntax> Declarations, Dictionary<LocalDeclarationStatementSyntax, StatementSyntax[]> Assignments);

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
