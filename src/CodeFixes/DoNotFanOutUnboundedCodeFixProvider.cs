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
using Throttling.Analyzers.Rules;

namespace Throttling.CodeFixes;

/// <summary>
/// THR001: bounds a projection fan-out. With the Throttling runtime referenced, <c>Task.WhenAll(items.Select(f))</c> becomes
/// <c>FanOut.WhenAll(items, f, maxConcurrency: 8)</c>, which keeps the results and their order. Without it, an awaited
/// fan-out whose results are not used becomes <c>Parallel.ForEachAsync</c> with <c>MaxDegreeOfParallelism = 8</c>.
/// Both stop starting items after the first failure, where <c>Task.WhenAll</c> started them all: a change the rule page
/// states.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DoNotFanOutUnboundedCodeFixProvider))]
public sealed class DoNotFanOutUnboundedCodeFixProvider : CodeFixProvider
{
    private const string FanOutKey = "FanOut.WhenAll";
    private const string ParallelKey = "Parallel.ForEachAsync";

    /// <summary>The <c>.editorconfig</c> option that sets the bound the fix writes; 8 when unset or not a positive number.</summary>
    public const string MaxConcurrencyOption = "throttling.THR001.fix_max_concurrency";

    private const int DefaultConcurrency = 8;

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.UnboundedFanOut);

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

        int bound = MaxConcurrency(context.Document, root.SyntaxTree);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            // The analyzer says which fan-outs the fix can rewrite, and where their items and selector are.
            if (!diagnostic.Properties.ContainsKey(DoNotFanOutUnboundedAnalyzer.ProjectionProperty)
                || diagnostic.AdditionalLocations.Count != 2
                || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax whenAll
                || root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax source
                || root.FindNode(diagnostic.AdditionalLocations[1].SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax selector)
            {
                continue;
            }

            string? token = EnclosingCancellationToken(model, whenAll, context.CancellationToken);
            if (model.Compilation.GetTypeByMetadataName("Throttling.FanOut") is not null)
            {
                context.RegisterCodeFix(
                    CodeAction.Create($"Run at most {bound} at once with FanOut.WhenAll", ct => Imports.ReplaceAsync(context.Document, whenAll, FanOutCall(source, selector, bound, token).WithTriviaFrom(whenAll), ct), equivalenceKey: FanOutKey),
                    diagnostic);
            }
            else if (whenAll.Parent is AwaitExpressionSyntax { Parent: ExpressionStatementSyntax }
                && model.Compilation.GetTypeByMetadataName("System.Threading.Tasks.Parallel")?.GetMembers("ForEachAsync").Length > 0
                && ParallelBody(selector) is { } body)
            {
                context.RegisterCodeFix(
                    CodeAction.Create($"Run at most {bound} at once with Parallel.ForEachAsync", ct => Imports.ReplaceAsync(context.Document, whenAll, ParallelCall(source, body, bound, token).WithTriviaFrom(whenAll), ct), equivalenceKey: ParallelKey),
                    diagnostic);
            }
        }
    }

    private static InvocationExpressionSyntax FanOutCall(ExpressionSyntax source, ExpressionSyntax selector, int bound, string? token)
    {
        var arguments = new List<ArgumentSyntax>
        {
            SyntaxFactory.Argument(source.WithoutTrivia()),
            SyntaxFactory.Argument(selector.WithoutTrivia()),
            SyntaxFactory.Argument(Literal(bound)).WithNameColon(SyntaxFactory.NameColon("maxConcurrency")),
        };
        if (token is not null)
        {
            arguments.Add(SyntaxFactory.Argument(SyntaxFactory.IdentifierName(token)));
        }

        return SyntaxFactory.InvocationExpression(
            SyntaxFactory.ParseExpression("global::Throttling.FanOut.WhenAll").WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation),
            SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(arguments)));
    }

    private static InvocationExpressionSyntax ParallelCall(ExpressionSyntax source, ParenthesizedLambdaExpressionSyntax body, int bound, string? token)
    {
        string options = token is null
            ? $"new global::System.Threading.Tasks.ParallelOptions {{ MaxDegreeOfParallelism = {bound} }}"
            : $"new global::System.Threading.Tasks.ParallelOptions {{ MaxDegreeOfParallelism = {bound}, CancellationToken = {token} }}";
        return SyntaxFactory.InvocationExpression(
            SyntaxFactory.ParseExpression("global::System.Threading.Tasks.Parallel.ForEachAsync").WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation),
            SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[]
            {
                SyntaxFactory.Argument(source.WithoutTrivia()),
                SyntaxFactory.Argument(SyntaxFactory.ParseExpression(options).WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation)),
                SyntaxFactory.Argument(body),
            })));
    }

    private static int MaxConcurrency(Document document, SyntaxTree tree)
        => document.Project.AnalyzerOptions.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue(MaxConcurrencyOption, out string? text)
            && int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int bound) && bound > 0
            ? bound
            : DefaultConcurrency;

    // The CancellationToken parameter of the method (or local function, or lambda) the fan-out is in, so that
    // cancelling the caller stops starting items too.
    private static string? EnclosingCancellationToken(SemanticModel model, SyntaxNode node, CancellationToken cancellationToken)
    {
        if (model.Compilation.GetTypeByMetadataName("System.Threading.CancellationToken") is not { } tokenType)
        {
            return null;
        }

        foreach (SyntaxNode ancestor in node.Ancestors())
        {
            if (ancestor is not (BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax))
            {
                continue;
            }

            ISymbol? symbol = ancestor is AnonymousFunctionExpressionSyntax lambda
                ? model.GetSymbolInfo(lambda, cancellationToken).Symbol
                : model.GetDeclaredSymbol(ancestor, cancellationToken);
            if (symbol is IMethodSymbol method)
            {
                return method.Parameters.FirstOrDefault(p => SymbolEqualityComparer.Default.Equals(p.Type, tokenType))?.Name;
            }
        }

        return null;
    }

    // x => F(x) becomes async (x, cancellationToken) => await F(x); async x => body becomes async (x, cancellationToken) => body.
    // Not offered for typed parameters, bodies that return a value (ForEachAsync's body returns none), or bodies that
    // already use the name.
    private static ParenthesizedLambdaExpressionSyntax? ParallelBody(ExpressionSyntax selector)
    {
        ParameterSyntax? item = selector switch
        {
            SimpleLambdaExpressionSyntax simple => simple.Parameter,
            ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 1 } parenthesized => parenthesized.ParameterList.Parameters[0],
            _ => null,
        };
        if (item is null || item.Type is not null || selector is not LambdaExpressionSyntax lambda
            || lambda.Body.DescendantNodesAndSelf().OfType<ReturnStatementSyntax>().Any(r => r.Expression is not null)
            || lambda.Body.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(n => n.Identifier.ValueText == "cancellationToken"))
        {
            return null;
        }

        bool isAsync = lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword);
        CSharpSyntaxNode body = lambda.Body;
        if (!isAsync)
        {
            if (body is not ExpressionSyntax expression)
            {
                return null;
            }

            body = SyntaxFactory.AwaitExpression(expression.WithoutTrivia());
        }

        ParameterListSyntax parameters = SyntaxFactory.ParameterList(SyntaxFactory.SeparatedList(new[] { item.WithoutTrivia(), SyntaxFactory.Parameter(SyntaxFactory.Identifier("cancellationToken")) }));
        return SyntaxFactory.ParenthesizedLambdaExpression(parameters, body)
            .WithAsyncKeyword(SyntaxFactory.Token(SyntaxKind.AsyncKeyword).WithTrailingTrivia(SyntaxFactory.Space));
    }

    private static LiteralExpressionSyntax Literal(int value)
        => SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(value));
}
