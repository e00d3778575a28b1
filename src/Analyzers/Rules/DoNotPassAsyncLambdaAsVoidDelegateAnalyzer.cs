using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Throttling.Analyzers.Rules;

/// <summary>
/// THR005: an async lambda converted to a delegate that returns void (<c>Action</c>, the body of <c>Parallel.ForEach</c>,
/// <c>List&lt;T&gt;.ForEach</c>), or an async void method or local function passed as a method group where such a delegate
/// is expected (<c>Task.Factory.StartNew(Worker)</c>, a callback registration): it runs as async void, fire-and-forget.
/// Event handler subscriptions are the accepted case.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DoNotPassAsyncLambdaAsVoidDelegateAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.AsyncLambdaAsVoidDelegate);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterOperationAction(Analyze, OperationKind.DelegateCreation);
    }

    private static void Analyze(OperationAnalysisContext context)
    {
        var creation = (IDelegateCreationOperation)context.Operation;
        if (creation.Type is not INamedTypeSymbol { DelegateInvokeMethod.ReturnsVoid: true } delegateType || IsEventSubscription(creation))
        {
            return;
        }

        string delegateName = delegateType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
        switch (creation.Target)
        {
            case IAnonymousFunctionOperation { Symbol.IsAsync: true } lambda:
                Location location = lambda.Syntax is AnonymousFunctionExpressionSyntax { AsyncKeyword: var asyncKeyword } && asyncKeyword.Span.Length > 0
                    ? asyncKeyword.GetLocation()
                    : lambda.Syntax.GetLocation();
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.AsyncLambdaAsVoidDelegate, location, "This async lambda", delegateName));
                break;
            case IMethodReferenceOperation { Method: { IsAsync: true, ReturnsVoid: true } method } reference:
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.AsyncLambdaAsVoidDelegate,
                    reference.Syntax.GetLocation(),
                    $"The async void method '{method.Name}'",
                    delegateName));
                break;
        }
    }

    // button.Click += async (s, e) => ...: event handlers are void by contract, and async void is how they await.
    private static bool IsEventSubscription(IOperation creation)
    {
        IOperation? parent = creation.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            parent = parent.Parent;
        }

        return parent is IEventAssignmentOperation;
    }
}
