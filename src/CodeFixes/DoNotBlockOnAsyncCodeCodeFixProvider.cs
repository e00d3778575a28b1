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
using Kinds = Throttling.Analyzers.Rules.DoNotBlockOnAsyncCodeAnalyzer.Kinds;

namespace Throttling.CodeFixes;

/// <summary>
/// THR002: awaits instead of blocking, where the code already runs in an async function. A synchronous method is not
/// made async here: that changes its signature and every caller, so no fix is offered there.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DoNotBlockOnAsyncCodeCodeFixProvider))]
public sealed class DoNotBlockOnAsyncCodeCodeFixProvider : CodeFixProvider
{
    private const string Title = "Await instead of blocking";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.SyncOverAsync);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => EveryKindFixAll.Instance;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            SyntaxNode? node = root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (node is null || !AsyncContext.CanAwait(node) || Rewrite(node, diagnostic) is not { } rewrite)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => Imports.ReplaceAsync(context.Document, rewrite.Old, rewrite.New.WithAdditionalAnnotations(Simplifier.Annotation), ct), equivalenceKey: Title),
                diagnostic);
        }
    }

    private static (SyntaxNode Old, SyntaxNode New)? Rewrite(SyntaxNode name, Diagnostic diagnostic)
    {
        diagnostic.Properties.TryGetValue(DoNotBlockOnAsyncCodeAnalyzer.KindProperty, out string? kind);
        var access = name.Parent as MemberAccessExpressionSyntax;
        switch (kind)
        {
            case Kinds.Result when access is not null:
                return (access, AsyncContext.Await(access.Expression, access));
            case Kinds.Wait when access?.Parent is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 0 } wait:
                return (wait, AsyncContext.Await(access.Expression, wait));
            case Kinds.GetResult when access?.Parent is InvocationExpressionSyntax getResult
                && access.Expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax getAwaiter }:
                return (getResult, AsyncContext.Await(getAwaiter.Expression, getResult));
            case Kinds.WaitAll when access?.Parent is InvocationExpressionSyntax waitAll:
                return (waitAll, AsyncContext.Await(waitAll.WithExpression(access.WithName(SyntaxFactory.IdentifierName("WhenAll"))), waitAll));
            case Kinds.Sleep when access?.Parent is InvocationExpressionSyntax sleep:
                ExpressionSyntax delay = SyntaxFactory.ParseExpression("global::System.Threading.Tasks.Task.Delay").WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
                return (sleep, AsyncContext.Await(sleep.WithExpression(delay), sleep));
            case Kinds.Twin when diagnostic.Properties.TryGetValue(DoNotBlockOnAsyncCodeAnalyzer.TwinProperty, out string? twin) && twin is not null:
                return RewriteTwin(name, twin);
            default:
                return null;
        }
    }

    private static (SyntaxNode Old, SyntaxNode New)? RewriteTwin(SyntaxNode name, string twin)
    {
        if (name is not SimpleNameSyntax simple)
        {
            return null;
        }

        InvocationExpressionSyntax? call = name.Parent switch
        {
            MemberAccessExpressionSyntax { Parent: InvocationExpressionSyntax invocation } => invocation,
            InvocationExpressionSyntax invocation => invocation,
            _ => null,
        };
        if (call is null)
        {
            return null;
        }

        SimpleNameSyntax asyncName = simple is GenericNameSyntax generic
            ? generic.WithIdentifier(SyntaxFactory.Identifier(twin))
            : SyntaxFactory.IdentifierName(twin);
        InvocationExpressionSyntax renamed = call.ReplaceNode(simple, asyncName.WithTriviaFrom(simple));
        return (call, AsyncContext.Await(renamed, call));
    }
}
