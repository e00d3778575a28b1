using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Throttling.Roslyn;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Throttling.Analyzers.Infrastructure;

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
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = new LazyAnalysis<VoidDelegateSymbols>(start.Compilation, VoidDelegateSymbols.Create);
            start.RegisterOperationAction(
                operation =>
                {
                    if (symbols.Value is { } resolved)
                    {
                        Analyze(operation, resolved);
                    }
                },
                OperationKind.DelegateCreation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, VoidDelegateSymbols symbols)
    {
        var creation = (IDelegateCreationOperation)context.Operation;
        if (creation.Type is not INamedTypeSymbol { DelegateInvokeMethod.ReturnsVoid: true } delegateType
            || IsEventSubscription(creation)
            || SymbolEqualityComparer.Default.Equals(delegateType, symbols.SendOrPostCallback))
        {
            // SynchronizationContext.Post(async _ => ...): an async void reports to the context it started on, which is how
            // a context (an AsyncPump, a UI loop) runs and tracks async work; its exceptions come back through that context.
            return;
        }

        string delegateName = delegateType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
        switch (creation.Target)
        {
            case IAnonymousFunctionOperation { Symbol.IsAsync: true } lambda when !ContainsItsFailures(lambda.Body, symbols):
                Location location = lambda.Syntax is AnonymousFunctionExpressionSyntax { AsyncKeyword: var asyncKeyword } && asyncKeyword.Span.Length > 0
                    ? asyncKeyword.GetLocation()
                    : lambda.Syntax.GetLocation();
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.AsyncLambdaAsVoidDelegate, location, "This async lambda", delegateName));
                break;
            case IMethodReferenceOperation { Method: { IsAsync: true, ReturnsVoid: true } method } reference when !ContainsItsFailures(BodyOf(method, reference), symbols):
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.AsyncLambdaAsVoidDelegate,
                    reference.Syntax.GetLocation(),
                    $"The async void method '{method.Name}'",
                    delegateName));
                break;
        }
    }

    // The body of a method declared in the same file, whose operations the reference's semantic model can give.
    private static IOperation? BodyOf(IMethodSymbol method, IOperation reference)
    {
        foreach (SyntaxReference declaration in method.DeclaringSyntaxReferences)
        {
            SyntaxNode? body = declaration.GetSyntax() switch
            {
                BaseMethodDeclarationSyntax { Body: { } block } => block,
                LocalFunctionStatementSyntax { Body: { } block } => block,
                _ => null,
            };
            if (body is not null && body.SyntaxTree == reference.Syntax.SyntaxTree && reference.SemanticModel?.GetOperation(body) is { } operation)
            {
                return operation;
            }
        }

        return null;
    }

    // A body whose every statement either cannot throw (it calls, creates and awaits nothing) or is a try with a catch-all:
    // nothing escapes to crash the process, and a void callback (a timer's) is not awaited by design.
    private static bool ContainsItsFailures(IOperation? body, VoidDelegateSymbols symbols)
        => body is IBlockOperation block
            && block.Operations.Any(o => o is ITryOperation)
            && block.Operations.All(statement => statement is ITryOperation attempt
                ? attempt.Catches.Any(c => c.Filter is null && symbols.IsCatchAll(c.ExceptionType))
                : !statement.DescendantsAndSelf().Any(o => o is IInvocationOperation or IObjectCreationOperation or IAwaitOperation));

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

    /// <summary>The types the rule tells apart, resolved once per compilation.</summary>
    private sealed class VoidDelegateSymbols
    {
        private VoidDelegateSymbols(INamedTypeSymbol? sendOrPostCallback, INamedTypeSymbol? exception, INamedTypeSymbol? @object)
        {
            SendOrPostCallback = sendOrPostCallback;
            Exception = exception;
            Object = @object;
        }

        public INamedTypeSymbol? SendOrPostCallback { get; }

        private INamedTypeSymbol? Exception { get; }

        private INamedTypeSymbol? Object { get; }

        public static VoidDelegateSymbols Create(Compilation compilation) => new(
            compilation.GetBestTypeByMetadataName("System.Threading.SendOrPostCallback"),
            compilation.GetBestTypeByMetadataName("System.Exception"),
            compilation.GetSpecialType(SpecialType.System_Object));

        // catch, catch (Exception) and catch (Exception e); a bare catch reports its type as object.
        public bool IsCatchAll(ITypeSymbol? caught)
            => SymbolEqualityComparer.Default.Equals(caught, Exception) || SymbolEqualityComparer.Default.Equals(caught, Object);
    }
}
