using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Throttling.CodeFixes;

/// <summary>Whether code can <c>await</c> where it stands: its enclosing function is already async.</summary>
internal static class AsyncContext
{
    public static bool CanAwait(SyntaxNode node)
    {
        foreach (SyntaxNode ancestor in node.Ancestors())
        {
            switch (ancestor)
            {
                case AnonymousFunctionExpressionSyntax lambda:
                    return lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword);
                case LocalFunctionStatementSyntax local:
                    return local.Modifiers.Any(SyntaxKind.AsyncKeyword);
                case MethodDeclarationSyntax method:
                    return method.Modifiers.Any(SyntaxKind.AsyncKeyword);
                case GlobalStatementSyntax:
                    return true;
                case LockStatementSyntax:
                case MemberDeclarationSyntax:
                case QueryClauseSyntax:
                case SelectOrGroupClauseSyntax:
                case CatchFilterClauseSyntax:
                    return false;
            }
        }

        return false;
    }

    /// <summary><c>await expression</c>, parenthesized where the context needs it (the simplifier drops needless ones).</summary>
    public static ExpressionSyntax Await(ExpressionSyntax expression, SyntaxNode replaced)
    {
        AwaitExpressionSyntax awaited = SyntaxFactory.AwaitExpression(expression.WithoutTrivia());
        ExpressionSyntax result = replaced.Parent is ExpressionStatementSyntax or EqualsValueClauseSyntax or ArgumentSyntax or ReturnStatementSyntax or ArrowExpressionClauseSyntax
            ? awaited
            : SyntaxFactory.ParenthesizedExpression(awaited);
        return result.WithTriviaFrom(replaced);
    }
}
