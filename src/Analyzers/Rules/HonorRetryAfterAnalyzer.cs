using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Throttling.Roslyn;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Throttling.Analyzers.Infrastructure;

namespace Throttling.Analyzers.Rules;

/// <summary>
/// THR006 (info): a hand-written retry loop on 429 that waits without reading the server's <c>Retry-After</c>, or waits a
/// fixed delay with no jitter, so every throttled client retries in lockstep.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HonorRetryAfterAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.RetryIgnoresRetryAfter);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = new LazyAnalysis<RetrySymbols>(start.Compilation, RetrySymbols.Create);
            start.RegisterOperationAction(
                operation =>
                {
                    if (symbols.Value is { } resolved)
                    {
                        Analyze(operation, resolved.Http, resolved.Task, resolved.Thread, resolved.Random);
                    }
                },
                OperationKind.Loop);
        });
    }

    private static void Analyze(OperationAnalysisContext context, HttpSymbols http, INamedTypeSymbol task, INamedTypeSymbol? thread, INamedTypeSymbol? random)
    {
        var loop = (ILoopOperation)context.Operation;
        IOperation[] inLoop = OperationScope.OwnDescendants(loop.Body).ToArray();
        bool retriesTooMany = inLoop.Any(o => o is IFieldReferenceOperation field && http.IsTooManyRequests(field.Field)
            || o is ILiteralOperation { ConstantValue: { HasValue: true, Value: 429 } });
        if (!retriesTooMany)
        {
            return;
        }

        IOperation[] inFunction = OperationScope.OwnDescendants(OperationScope.FunctionBody(loop)).ToArray();
        bool readsRetryAfter = inFunction.Any(o => o is IPropertyReferenceOperation property
                && property.Property.Name == "RetryAfter" && http.IsResponseHeaders(property.Property.ContainingType)
            || o is ILiteralOperation { ConstantValue: { HasValue: true, Value: string header } } && string.Equals(header, "Retry-After", System.StringComparison.OrdinalIgnoreCase));
        bool jitters = inFunction.Any(o => o is IInvocationOperation call && TypeHierarchy.IsOrDerivesFrom(call.TargetMethod.ContainingType, random)
            || o is IPropertyReferenceOperation reference && TypeHierarchy.IsOrDerivesFrom(reference.Property.ContainingType, random));

        // A delay belongs to its innermost loop, so nested loops report it once.
        foreach (IInvocationOperation delay in inLoop.OfType<IInvocationOperation>().Where(call => IsDelay(call.TargetMethod, task, thread) && InnermostLoop(call) == loop))
        {
            string? message = !readsRetryAfter
                ? "This retry on 429 waits without reading the server's Retry-After; wait at least that long, or throttle the client with [Backoff]"
                : jitters
                    ? null
                    : IsFixed(delay)
                        ? "This retry on 429 waits a fixed delay without jitter, so throttled clients retry in lockstep; add random jitter, or throttle the client with [Backoff]"
                        : delay.Arguments.Length > 0 && HasFixedFallback(delay.Arguments[0].Value, 0)
                            ? "This retry on 429 falls back to a fixed delay without jitter when the server sends no Retry-After, so throttled clients retry in lockstep; add random jitter, or throttle the client with [Backoff]"
                            : null;
            if (message is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RetryIgnoresRetryAfter, MemberNameLocation.Of(delay), message));
            }
        }
    }

    private static ILoopOperation? InnermostLoop(IOperation operation)
    {
        for (IOperation? current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is ILoopOperation loop)
            {
                return loop;
            }
        }

        return null;
    }

    private static bool IsDelay(IMethodSymbol method, INamedTypeSymbol task, INamedTypeSymbol? thread)
        => (method.Name == "Delay" && SymbolEqualityComparer.Default.Equals(method.ContainingType, task))
            || (method.Name == "Sleep" && SymbolEqualityComparer.Default.Equals(method.ContainingType, thread));

    // Task.Delay(1000) or Task.Delay(TimeSpan.FromSeconds(2)): the same wait every time.
    private static bool IsFixed(IInvocationOperation delay) => delay.Arguments.Length > 0 && IsFixedValue(delay.Arguments[0].Value);

    private static bool IsFixedValue(IOperation value)
    {
        value = OperationScope.Unwrap(value);
        return value.ConstantValue.HasValue
            || value is IInvocationOperation { TargetMethod.IsStatic: true } factory && factory.Arguments.All(a => OperationScope.Unwrap(a.Value).ConstantValue.HasValue);
    }

    // retryAfter ?? TimeSpan.FromSeconds(5), asked.HasValue ? asked.Value : fixed, asked.GetValueOrDefault(fixed), directly or
    // through a local: the wait when the server names none is the same every time.
    private static bool HasFixedFallback(IOperation value, int hops)
    {
        value = OperationScope.Unwrap(value);
        switch (value)
        {
            case ILocalReferenceOperation local when hops < 3:
                return OperationScope.InitialValue(local.Local, value) is { } initial && HasFixedFallback(initial, hops + 1);
            case ICoalesceOperation coalesce:
                return IsFixedValue(coalesce.WhenNull) || HasFixedFallback(coalesce.WhenNull, hops);
            case IConditionalOperation { WhenFalse: { } whenFalse } choice:
                return IsFixedValue(choice.WhenTrue) || IsFixedValue(whenFalse);
            case IInvocationOperation { TargetMethod.Name: "GetValueOrDefault", Arguments.Length: 1 } fallback:
                return IsFixedValue(fallback.Arguments[0].Value);
            default:
                return false;
        }
    }

    /// <summary>What a retry loop is read with, resolved once per compilation; null without HttpClient or Task.</summary>
    private sealed class RetrySymbols
    {
        private RetrySymbols(HttpSymbols http, INamedTypeSymbol task, INamedTypeSymbol? thread, INamedTypeSymbol? random)
        {
            Http = http;
            Task = task;
            Thread = thread;
            Random = random;
        }

        public HttpSymbols Http { get; }

        public INamedTypeSymbol Task { get; }

        public INamedTypeSymbol? Thread { get; }

        public INamedTypeSymbol? Random { get; }

        public static RetrySymbols? Create(Compilation compilation)
            => HttpSymbols.Create(compilation) is { } http && compilation.GetBestTypeByMetadataName(KnownTypeNames.Task) is { } task
                ? new RetrySymbols(http, task, compilation.GetBestTypeByMetadataName(KnownTypeNames.Thread), compilation.GetBestTypeByMetadataName("System.Random"))
                : null;
    }
}
