using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Throttling.Analyzers.Infrastructure;

namespace Throttling.Analyzers.Rules;

/// <summary>
/// THR002: sync-over-async. <c>.Result</c>, <c>.Wait()</c>, <c>.GetAwaiter().GetResult()</c>, <c>Task.WaitAll/WaitAny</c> on
/// tasks that may not have completed, and in async code <c>Thread.Sleep</c> and blocking calls that have an async twin.
/// </summary>
/// <remarks>
/// Precision comes from proving completion rather than from guessing intent (<see cref="TaskCompletionProof"/>), and from
/// evidence of I/O rather than from a twin's existence (<see cref="BlockingIoEvidence"/>): a CPU-bound parser with a
/// <c>ParseAsync</c> wrapper is not blocking. Blocking is accepted where awaiting is impossible or pointless: inside
/// <c>lock</c>, in a synchronous <c>Main</c> or top-level program, in <c>nameof</c>, where blocking is the member's contract
/// (<see cref="DeliberateBlocking"/>), and where the user already suppressed a peer rule for the same problem (CA1849,
/// VSTHRD002, VSTHRD103, MA0045, CA2012).
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DoNotBlockOnAsyncCodeAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The diagnostic property naming what blocks, for the code fix.</summary>
    public const string KindProperty = "Kind";

    /// <summary>The diagnostic property naming the async twin, for the code fix.</summary>
    public const string TwinProperty = "Twin";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.SyncOverAsync);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            // Symbols are resolved on the first callback, once the compiler has bound what they live in (LazyAnalysis).
            var analysis = new LazyAnalysis<Analysis>(start.Compilation, compilation => AsyncSymbols.Create(compilation) is { } symbols
                ? new Analysis(symbols, compilation, start.Options.AnalyzerConfigOptionsProvider)
                : null);
            start.RegisterOperationAction(operation => analysis.Value?.AnalyzePropertyReference(operation), OperationKind.PropertyReference);
            start.RegisterOperationAction(operation => analysis.Value?.AnalyzeInvocation(operation), OperationKind.Invocation);
        });
    }

    /// <summary>What blocks, as the code fix reads it back.</summary>
    public static class Kinds
    {
        public const string Result = nameof(Result);
        public const string Wait = nameof(Wait);
        public const string GetResult = nameof(GetResult);
        public const string WaitAll = nameof(WaitAll);

        /// <summary>WaitAny, or WaitAll with a timeout or token: no exact awaitable equivalent, so no fix.</summary>
        public const string WaitAny = nameof(WaitAny);
        public const string Sleep = nameof(Sleep);
        public const string Twin = nameof(Twin);

        /// <summary>A wait on a handle, thread or event that has no async twin: no mechanical fix.</summary>
        public const string BlockingWait = nameof(BlockingWait);
    }

    private sealed class Analysis
    {
        // Peer rules for sync-over-async: a suppression of any of them is a decision we respect.
        // Peer rules for sync-over-async (CA2012: a ValueTask's result read before it completed): a suppression of any of
        // them is a decision we respect.
        private static readonly string[] PeerRuleIds = { "CA1849", "VSTHRD002", "VSTHRD103", "MA0045", "CA2012" };

        private readonly AsyncSymbols _symbols;
        private readonly Compilation _compilation;
        private readonly TaskCompletionProof _proof;
        private readonly AsyncTwinFinder _twins;
        private readonly DeliberateBlocking _deliberate;
        private readonly BlockingIoEvidence _io;
        private readonly PeerSuppressions _peers;
        private IMethodSymbol? _entryPoint;
        private bool _entryPointKnown;

        public Analysis(AsyncSymbols symbols, Compilation compilation, AnalyzerConfigOptionsProvider options)
        {
            _symbols = symbols;
            _compilation = compilation;
            _proof = new TaskCompletionProof(symbols);
            _twins = new AsyncTwinFinder(symbols);
            _deliberate = new DeliberateBlocking(symbols);
            _io = new BlockingIoEvidence(compilation, options);
            _peers = new PeerSuppressions(compilation, PeerRuleIds);
        }

        public void AnalyzePropertyReference(OperationAnalysisContext context)
        {
            var reference = (IPropertyReferenceOperation)context.Operation;
            if (reference.Property.Name != "Result"
                || !_symbols.IsTaskLike(reference.Property.ContainingType)
                || reference.Instance is null)
            {
                return;
            }

            ReportBlockingOn(context, reference.Instance, Kinds.Result, $"'{reference.Instance.Type?.Name}.Result' blocks until the task completes; await it instead");
        }

        public void AnalyzeInvocation(OperationAnalysisContext context)
        {
            var invocation = (IInvocationOperation)context.Operation;
            IMethodSymbol method = invocation.TargetMethod;
            SymbolEqualityComparer comparer = SymbolEqualityComparer.Default;
            INamedTypeSymbol? type = method.ContainingType?.OriginalDefinition;

            if (comparer.Equals(type, _symbols.Task) && method.Name == "Wait" && invocation.Instance is { } waited && !HasZeroTimeout(invocation))
            {
                ReportBlockingOn(context, waited, Kinds.Wait, "'Task.Wait' blocks until the task completes; await it instead");
            }
            else if (comparer.Equals(type, _symbols.Task) && method.IsStatic && method.Name is "WaitAll" or "WaitAny")
            {
                if (!IsExempt(context, invocation)
                    && !_deliberate.IsContract(context.ContainingSymbol, invocation, invocation.Arguments[0].Value)
                    && !invocation.Arguments.All(a => _proof.IsComplete(a.Value, context.Operation)))
                {
                    string replacement = method.Name == "WaitAll" ? "Task.WhenAll" : "Task.WhenAny";
                    // Only the overloads taking nothing but the tasks have an exact awaitable equivalent.
                    string kind = method.Name == "WaitAll" && method.Parameters.Length == 1 ? Kinds.WaitAll : Kinds.WaitAny;
                    Report(context, invocation, kind, $"'Task.{method.Name}' blocks until the tasks complete; await {replacement} instead");
                }
            }
            else if (method.Name == "GetResult" && _symbols.IsAwaiter(type) && invocation.Instance is IInvocationOperation { TargetMethod.Name: "GetAwaiter", Instance: { } awaitable })
            {
                IOperation task = awaitable is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } configured } ? configured : awaitable;
                ReportBlockingOn(context, task, Kinds.GetResult, "'GetAwaiter().GetResult()' blocks until the task completes; await it instead");
            }
            else if (!OperationScope.IsInAsyncFunction(invocation, context.ContainingSymbol) || HasZeroTimeout(invocation))
            {
                return;
            }
            else if (comparer.Equals(type, _symbols.Thread) && method.Name == "Sleep")
            {
                ReportUnlessExempt(context, Kinds.Sleep, "'Thread.Sleep' blocks a thread in async code; await Task.Delay instead");
            }
            else if (_symbols.IsBlockingWait(method))
            {
                ReportUnlessExempt(context, Kinds.BlockingWait, $"'{method.Name}' blocks a thread in async code until another thread signals it; wait asynchronously instead (SemaphoreSlim.WaitAsync, a TaskCompletionSource, or awaiting the work itself)");
            }
            else if (_io.DoesIo(invocation)
                && !_symbols.IsConsoleWriter(invocation.Instance)
                && _twins.TwinOf(method) is { } twin
                && !IsEnclosingMethod(twin, context))
            {
                ReportUnlessExempt(context, Kinds.Twin, $"'{method.Name}' blocks on I/O in async code; await '{twin.Name}' instead", twin.Name);
            }
        }

        // Inside an override of ReadAsync, Read is what ReadAsync is being written from, not a better call.
        private static bool IsEnclosingMethod(IMethodSymbol twin, OperationAnalysisContext context)
        {
            for (IMethodSymbol? member = context.ContainingSymbol as IMethodSymbol; member is not null; member = member.OverriddenMethod)
            {
                if (SymbolEqualityComparer.Default.Equals(member.OriginalDefinition, twin.OriginalDefinition))
                {
                    return true;
                }
            }

            return false;
        }

        // Wait(0) and Wait(TimeSpan.Zero) only ask whether something is ready: they never block.
        private bool HasZeroTimeout(IInvocationOperation invocation)
            => invocation.Arguments.Any(a => a.Parameter?.Name is "millisecondsTimeout" or "timeout"
                && (OperationScope.Unwrap(a.Value).ConstantValue is { HasValue: true, Value: 0 }
                    || OperationScope.Unwrap(a.Value) is IFieldReferenceOperation { Field: { Name: "Zero", IsStatic: true } zero }
                        && SymbolEqualityComparer.Default.Equals(zero.ContainingType, _symbols.TimeSpan)));

        private void ReportBlockingOn(OperationAnalysisContext context, IOperation task, string kind, string message)
        {
            if (!IsExempt(context, context.Operation)
                && !_deliberate.IsContract(context.ContainingSymbol, context.Operation, task)
                && !_proof.IsComplete(task, context.Operation))
            {
                Report(context, context.Operation, kind, message);
            }
        }

        private void ReportUnlessExempt(OperationAnalysisContext context, string kind, string message, string? twin = null)
        {
            if (!IsExempt(context, context.Operation))
            {
                Report(context, context.Operation, kind, message, twin);
            }
        }

        private static void Report(OperationAnalysisContext context, IOperation operation, string kind, string message, string? twin = null)
        {
            ImmutableDictionary<string, string?> properties = ImmutableDictionary<string, string?>.Empty.Add(KindProperty, kind);
            if (twin is not null)
            {
                properties = properties.Add(TwinProperty, twin);
            }

            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SyncOverAsync, MemberNameLocation.Of(operation), properties, message));
        }

        // Where blocking is accepted: nameof, lock (no await possible), a synchronous entry point, a suppressed peer rule.
        private bool IsExempt(OperationAnalysisContext context, IOperation operation)
        {
            if (OperationScope.IsInsideNameOf(operation) || OperationScope.HasAncestor(operation, a => a is ILockOperation)
                || _peers.Covers(context.ContainingSymbol, operation.Syntax))
            {
                return true;
            }

            if (OperationScope.EnclosingFunction(operation) is not null || context.ContainingSymbol is not IMethodSymbol member)
            {
                return false;
            }

            return !member.IsAsync && SymbolEqualityComparer.Default.Equals(member, EntryPoint(context));
        }

        private IMethodSymbol? EntryPoint(OperationAnalysisContext context)
        {
            if (!_entryPointKnown)
            {
                _entryPoint = _compilation.GetEntryPoint(context.CancellationToken);
                _entryPointKnown = true;
            }

            return _entryPoint;
        }
    }
}
