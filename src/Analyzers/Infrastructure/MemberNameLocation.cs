using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Throttling.Analyzers.Infrastructure;

/// <summary>The smallest useful span of a member access: the member's name (<c>Result</c> in <c>task.Result</c>).</summary>
internal static class MemberNameLocation
{
    public static Location Of(IOperation operation) => operation.Syntax switch
    {
        InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } => access.Name.Identifier.GetLocation(),
        InvocationExpressionSyntax { Expression: MemberBindingExpressionSyntax binding } => binding.Name.Identifier.GetLocation(),
        InvocationExpressionSyntax { Expression: SimpleNameSyntax name } => name.Identifier.GetLocation(),
        MemberAccessExpressionSyntax access => access.Name.Identifier.GetLocation(),
        MemberBindingExpressionSyntax binding => binding.Name.Identifier.GetLocation(),
        _ => operation.Syntax.GetLocation(),
    };
}
