using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Throttling.Analyzers.Infrastructure;
using Throttling.Roslyn;

namespace Throttling.Analyzers.Rules;

/// <summary>
/// THR001: <c>Task.WhenAll</c>/<c>WhenAny</c> over one task per item of a collection whose size is not bounded by a small
/// constant, with nothing limiting how many run at once.
/// </summary>
/// <remarks>
/// Two shapes make such fan-out: a projection (<c>items.Select(x => CallAsync(x))</c>, possibly through <c>ToList</c>/<c>ToArray</c>
/// or a local), and a loop adding tasks to a list later awaited together. Neither is flagged when the items are bounded
/// (<c>Take(constant)</c>, a small <c>Enumerable.Range</c>, an array literal), when each task first waits on a semaphore or
/// rate limiter, when the calls go through a client with <c>[Slots]</c>, when each item is a component receiving its own
/// call, or when the tasks came from elsewhere (<c>running.Select(t => t)</c> starts nothing). The bound
/// defaults to 32 items; set <c>throttling.THR001.max_fan_out</c> in .editorconfig to change it.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DoNotFanOutUnboundedAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The .editorconfig key that sets the largest fan-out considered bounded.</summary>
    public const string MaxFanOutOption = "throttling.THR001.max_fan_out";

    /// <summary>
    /// Set on diagnostics whose fan-out is <c>Task.WhenAll(items.Select(item => …))</c>, written in place, which the code
    /// fix rewrites; their additional locations are then the items (first) and the selector (second).
    /// </summary>
    public const string ProjectionProperty = "Projection";

    private const int DefaultMaxFanOut = 32;

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.UnboundedFanOut);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = new LazyAnalysis<FanOutSymbols>(start.Compilation, FanOutSymbols.Create);
            start.RegisterOperationAction(
                operation =>
                {
                    if (operation.Operation is IInvocationOperation { TargetMethod: { Name: "WhenAll" or "WhenAny", IsStatic: true } } && symbols.Value is { } resolved)
                    {
                        Analyze(operation, resolved);
                    }
                },
                OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, FanOutSymbols symbols)
    {
        var invocation = (IInvocationOperation)context.Operation;
        IMethodSymbol method = invocation.TargetMethod;
        if (method.Name is not ("WhenAll" or "WhenAny") || !method.IsStatic || !SymbolEqualityComparer.Default.Equals(method.ContainingType, symbols.Task)
            || invocation.Arguments.Length != 1 || invocation.Arguments[0].ArgumentKind == ArgumentKind.ParamArray)
        {
            return;
        }

        var bounds = new FanOutBounds(symbols, MaxFanOut(context));
        IOperation tasks = OperationScope.Unwrap(invocation.Arguments[0].Value);
        if (bounds.FindProjection(tasks) is { } projection)
        {
            if (FanOutBounds.StartsWork(projection.Selector) && !bounds.IsBounded(projection.Source) && !bounds.IsLimited(projection.Selector))
            {
                // Rewritable when the projection is written in the call (not in a local) and has a FanOut counterpart.
                bool rewritable = method.Name == "WhenAll" && !projection.IsIndexed && OperationScope.Unwrap(invocation.Arguments[0].Value) is IInvocationOperation;
                Report(context, invocation, projection.Source, rewritable ? projection.Selector : null);
            }

            return;
        }

        if (FanOutBounds.StripMaterialization(tasks) is ILocalReferenceOperation list && bounds.FindUnboundedLoopAdd(list.Local, invocation) is { } loopSource)
        {
            Report(context, invocation, loopSource, rewritableSelector: null);
        }
    }

    private static void Report(OperationAnalysisContext context, IInvocationOperation invocation, IOperation source, IOperation? rewritableSelector)
    {
        ImmutableDictionary<string, string?> properties = ImmutableDictionary<string, string?>.Empty;
        Location[] locations = System.Array.Empty<Location>();
        if (rewritableSelector is not null)
        {
            properties = properties.Add(ProjectionProperty, "true");
            locations = new[] { source.Syntax.GetLocation(), rewritableSelector.Syntax.GetLocation() };
        }

        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.UnboundedFanOut,
            invocation.Syntax.GetLocation(),
            locations,
            properties,
            "Task." + invocation.TargetMethod.Name,
            source.Syntax.ToString()));
    }

    private static int MaxFanOut(OperationAnalysisContext context)
    {
        AnalyzerConfigOptions options = context.Options.AnalyzerConfigOptionsProvider.GetOptions(context.Operation.Syntax.SyntaxTree);
        return options.TryGetValue(MaxFanOutOption, out string? text) && int.TryParse(text, out int value) && value >= 0 ? value : DefaultMaxFanOut;
    }
}
