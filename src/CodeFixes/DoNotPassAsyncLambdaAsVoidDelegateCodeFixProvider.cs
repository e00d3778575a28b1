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
using Microsoft.CodeAnalysis.Simplification;
using Throttling.Analyzers;

namespace Throttling.CodeFixes;

/// <summary>
/// THR005: <c>Parallel.ForEach(items, async x => ...)</c> in async code becomes an awaited <c>Parallel.ForEachAsync</c>, and a
/// local <c>Action</c> holding an async lambda becomes a <c>Func&lt;Task&gt;</c> whose calls are awaited, when it is only ever
/// called where it can be awaited. Nothing is offered where the rewrite could change meaning (List&lt;T&gt;.ForEach,
/// delegates handed to other code, calls that cannot await).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DoNotPassAsyncLambdaAsVoidDelegateCodeFixProvider))]
public sealed class DoNotPassAsyncLambdaAsVoidDelegateCodeFixProvider : CodeFixProvider
{
    private const string ParallelTitle = "Await Parallel.ForEachAsync";
    private const string FuncTitle = "Return a Task";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.AsyncLambdaAsVoidDelegate);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => EveryKindFixAll.Instance;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (root.FindToken(diagnostic.Location.SourceSpan.Start).Parent is not LambdaExpressionSyntax lambda)
            {
                continue;
            }

            if (lambda.Parent is ArgumentSyntax { Parent: ArgumentListSyntax { Arguments.Count: 2, Parent: InvocationExpressionSyntax forEach } }
                && forEach.Parent is ExpressionStatementSyntax
                && model.Compilation.GetTypeByMetadataName("System.Threading.Tasks.Parallel") is { } parallel
                && model.GetSymbolInfo(forEach, context.CancellationToken).Symbol is IMethodSymbol { Name: "ForEach" } method
                && SymbolEqualityComparer.Default.Equals(method.ContainingType, parallel)
                && parallel.GetMembers("ForEachAsync").Length > 0
                && AsyncContext.CanAwait(forEach)
                && SingleParameter(lambda) is { } item
                && !lambda.Body.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(n => n.Identifier.ValueText == "cancellationToken"))
            {
                context.RegisterCodeFix(CodeAction.Create(ParallelTitle, ct => ToForEachAsync(context.Document, forEach, lambda, item, ct), equivalenceKey: ParallelTitle), diagnostic);
            }
            else if (lambda.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Type: var type, Variables.Count: 1 } } declarator }
                && model.GetDeclaredSymbol(declarator, context.CancellationToken) is ILocalSymbol local
                && local.Type is INamedTypeSymbol { DelegateInvokeMethod: { ReturnsVoid: true } invoke } action
                && invoke.Parameters.All(p => p.RefKind == RefKind.None)
                && AwaitableCalls(local, declarator, model, context.CancellationToken) is { } calls)
            {
                context.RegisterCodeFix(CodeAction.Create(FuncTitle, ct => ToFunc(context.Document, type, action, calls, ct), equivalenceKey: FuncTitle), diagnostic);
            }
        }
    }

    private static ParameterSyntax? SingleParameter(LambdaExpressionSyntax lambda) => lambda switch
    {
        SimpleLambdaExpressionSyntax simple => simple.Parameter,
        ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 1 } parenthesized => parenthesized.ParameterList.Parameters[0],
        _ => null,
    };

    // Every use of the local is a call made as a statement where it can be awaited: the calls then await the Task the
    // delegate now returns, so its exceptions still reach someone. Null when any use is something else.
    private static InvocationExpressionSyntax[]? AwaitableCalls(ILocalSymbol local, VariableDeclaratorSyntax declarator, SemanticModel model, CancellationToken cancellationToken)
    {
        SyntaxNode? scope = declarator.FirstAncestorOrSelf<BlockSyntax>();
        if (scope is null)
        {
            return null;
        }

        var calls = new List<InvocationExpressionSyntax>();
        foreach (IdentifierNameSyntax use in scope.DescendantNodes().OfType<IdentifierNameSyntax>()
            .Where(n => n.Identifier.ValueText == local.Name && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(n, cancellationToken).Symbol, local)))
        {
            InvocationExpressionSyntax? call = use.Parent switch
            {
                InvocationExpressionSyntax invocation => invocation,
                MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Invoke", Parent: InvocationExpressionSyntax invocation } => invocation,
                _ => null,
            };
            if (call?.Parent is not ExpressionStatementSyntax || !AsyncContext.CanAwait(call))
            {
                return null;
            }

            calls.Add(call);
        }

        return calls.ToArray();
    }

    private static async Task<Document> ToForEachAsync(Document document, InvocationExpressionSyntax forEach, LambdaExpressionSyntax lambda, ParameterSyntax item, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        // Lambda parameters are all typed or all untyped; the token's name must be new to the body.
        ParameterSyntax token = SyntaxFactory.Parameter(SyntaxFactory.Identifier("cancellationToken"));
        if (item.Type is not null)
        {
            token = token.WithType(SyntaxFactory.ParseTypeName("global::System.Threading.CancellationToken ").WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation));
        }

        ParenthesizedLambdaExpressionSyntax body = SyntaxFactory.ParenthesizedLambdaExpression(
                SyntaxFactory.ParameterList(SyntaxFactory.SeparatedList(new[] { item.WithoutTrivia(), token })),
                lambda.Body)
            .WithAsyncKeyword(SyntaxFactory.Token(SyntaxKind.AsyncKeyword).WithTrailingTrivia(SyntaxFactory.Space))
            .WithTriviaFrom(lambda);
        InvocationExpressionSyntax forEachAsync = forEach
            .ReplaceNode(lambda, body)
            .WithExpression(SyntaxFactory.ParseExpression("global::System.Threading.Tasks.Parallel.ForEachAsync").WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation));
        ExpressionSyntax awaited = SyntaxFactory.AwaitExpression(forEachAsync.WithoutTrivia()).WithTriviaFrom(forEach);
        return await Imports.WithRootAsync(document, root.ReplaceNode(forEach, awaited), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Document> ToFunc(Document document, TypeSyntax type, INamedTypeSymbol action, InvocationExpressionSyntax[] calls, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        string arguments = string.Concat(action.DelegateInvokeMethod!.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + ", "));
        TypeSyntax func = SyntaxFactory.ParseTypeName($"global::System.Func<{arguments}global::System.Threading.Tasks.Task>")
            .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation)
            .WithTriviaFrom(type);
        SyntaxNode updated = root.ReplaceNodes(
            calls.Cast<SyntaxNode>().Append(type),
            (original, rewritten) => original == type
                ? func
                : SyntaxFactory.AwaitExpression(((ExpressionSyntax)rewritten).WithoutTrivia()).WithTriviaFrom(rewritten));
        return await Imports.WithRootAsync(document, updated, cancellationToken).ConfigureAwait(false);
    }
}
