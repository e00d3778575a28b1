using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Throttling.Roslyn;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Throttling.Analyzers.Infrastructure;

namespace Throttling.Analyzers.Rules;

/// <summary>
/// THR004: a <c>SemaphoreSlim</c> slot or <c>RateLimiter</c> lease whose release is not guaranteed, and the reverse bug, a
/// wait inside the <c>try</c> whose <c>finally</c> releases, which gives back a slot a cancelled wait never took.
/// </summary>
/// <remarks>
/// Understood as correct: the wait before a <c>try</c>/<c>finally</c> that releases, with only harmless statements between
/// them (declarations and assignments that call nothing); <c>if (!await s.WaitAsync(t)) return;</c> before the <c>try</c>; a
/// release in a <c>finally</c> inside a task the method starts; a release guarded by a flag set after the wait; leases in
/// <c>using</c>, returned or handed on. Waits with no release in the method at all (a lock released by another method) are
/// left alone.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ReleaseSlotOnEveryPathAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The diagnostic property naming the problem, for the code fix.</summary>
    public const string KindProperty = "Kind";

    /// <summary>The problems, as the code fix reads them back.</summary>
    public static class Kinds
    {
        public const string ReleaseNotInFinally = nameof(ReleaseNotInFinally);
        public const string WaitInsideTry = nameof(WaitInsideTry);
        public const string LeaseNotDisposed = nameof(LeaseNotDisposed);
    }

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.UnbalancedSlot);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = new LazyAnalysis<GateSymbols>(start.Compilation, GateSymbols.Create);
            start.RegisterOperationAction(
                operation =>
                {
                    var invocation = (IInvocationOperation)operation.Operation;
                    if (invocation.TargetMethod.Name is not ("Wait" or "WaitAsync" or "AcquireAsync" or "AttemptAcquire") || symbols.Value is not { } gates)
                    {
                        return;
                    }

                    if (IsSemaphoreWait(invocation.TargetMethod, gates.Semaphore))
                    {
                        AnalyzeWait(operation, invocation);
                    }
                    else if (gates.Lease is not null && IsLeaseAcquisition(invocation.TargetMethod, gates.Limiter, gates.Lease))
                    {
                        AnalyzeLease(operation, invocation);
                    }
                },
                OperationKind.Invocation);
        });
    }

    private static bool IsSemaphoreWait(IMethodSymbol method, INamedTypeSymbol? semaphore)
        => method.Name is "Wait" or "WaitAsync" && SymbolEqualityComparer.Default.Equals(method.ContainingType, semaphore);

    private static bool IsLeaseAcquisition(IMethodSymbol method, INamedTypeSymbol? limiter, INamedTypeSymbol lease)
    {
        if (method.Name is not ("AcquireAsync" or "AttemptAcquire"))
        {
            return false;
        }

        for (INamedTypeSymbol? type = method.ContainingType; type is not null; type = type.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(type, limiter))
            {
                return true;
            }
        }

        return false;
    }

    private static void AnalyzeWait(OperationAnalysisContext context, IInvocationOperation wait)
    {
        if (OperationScope.ReferencedSymbol(wait.Instance!) is not { } semaphore)
        {
            return;
        }

        IOperation body = OperationScope.FunctionBody(wait);
        IInvocationOperation[] releases = body.DescendantsAndSelf()
            .OfType<IInvocationOperation>()
            .Where(r => r.TargetMethod.Name == "Release" && r.Instance is { } instance && SymbolEqualityComparer.Default.Equals(OperationScope.ReferencedSymbol(instance), semaphore))
            .ToArray();
        if (releases.Length == 0)
        {
            return;
        }

        if (EnclosingTry(wait) is { } tryOperation && releases.FirstOrDefault(r => IsIn(r, tryOperation.Finally)) is { } releaseInFinally)
        {
            // A release guarded by a flag set after the wait is the correct form of this pattern.
            if (!IsGuarded(releaseInFinally, tryOperation.Finally!))
            {
                Report(context, wait, Kinds.WaitInsideTry, $"This wait on '{semaphore.Name}' is inside the try whose finally releases it: a wait that is cancelled or times out releases a slot it never took; wait before the try");
            }

            return;
        }

        bool guaranteed = releases.Any(r => IsInFinallyOfStartedTask(r, wait) || IsInFinallyOfFollowingTry(r, wait) || IsInFinallyOfSuccessBranch(r, wait));
        if (!guaranteed)
        {
            Report(context, wait, Kinds.ReleaseNotInFinally, $"The release of '{semaphore.Name}' is not in a finally: an exception between this wait and the release leaks the slot; release it in a finally");
        }
    }

    private static void AnalyzeLease(OperationAnalysisContext context, IInvocationOperation acquire)
    {
        // The lease as the code receives it: through ConfigureAwait, await, conversions and parentheses.
        IOperation value = acquire;
        IOperation? parent = value.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation or IAwaitOperation
            || parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configured && configured.Instance == value)
        {
            value = parent;
            parent = parent.Parent;
        }

        switch (parent)
        {
            case IExpressionStatementOperation:
            case ISimpleAssignmentOperation { Target: IDiscardOperation }:
            // if (!limiter.AttemptAcquire().IsAcquired) ...: the lease is read once and dropped.
            case IPropertyReferenceOperation reference when reference.Instance == value:
            case IInvocationOperation { TargetMethod.Name: not "Dispose" } call when call.Instance == value:
                Report(context, acquire, Kinds.LeaseNotDisposed, "This lease is dropped without being disposed, so its permits are never returned; declare it with 'using'");
                return;
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                ReportUnlessDisposed(context, acquire, declarator.Symbol, IsInUsing(declarator));
                return;
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target }:
                ReportUnlessDisposed(context, acquire, target.Local, inUsing: false);
                return;
        }
    }

    private static void ReportUnlessDisposed(OperationAnalysisContext context, IOperation acquire, ILocalSymbol lease, bool inUsing)
    {
        if (!inUsing && !IsHandedOn(lease, acquire) && !IsDisposedInFinally(lease, acquire))
        {
            Report(context, acquire, Kinds.LeaseNotDisposed, "This lease is not disposed on every path; declare it with 'using'");
        }
    }

    private static void Report(OperationAnalysisContext context, IOperation operation, string kind, string message)
        => context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.UnbalancedSlot,
            MemberNameLocation.Of(operation),
            ImmutableDictionary<string, string?>.Empty.Add(KindProperty, kind),
            message));

    private static ITryOperation? EnclosingTry(IOperation operation)
    {
        for (IOperation? current = operation; current.Parent is { } parent; current = parent)
        {
            if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return null;
            }

            if (parent is ITryOperation tryOperation && tryOperation.Body == current)
            {
                return tryOperation;
            }
        }

        return null;
    }

    private static bool IsIn(IOperation operation, IOperation? container)
        => container is not null && container.Syntax.Span.Contains(operation.Syntax.Span);

    // if (acquired) s.Release(): the flag records that the wait succeeded.
    private static bool IsGuarded(IOperation release, IOperation finallyBlock)
    {
        for (IOperation? current = release.Parent; current is not null && current != finallyBlock; current = current.Parent)
        {
            if (current is IConditionalOperation)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsInFinallyOfStartedTask(IOperation release, IOperation wait)
    {
        IOperation? releaseFunction = OperationScope.EnclosingFunction(release);
        return releaseFunction is not null
            && releaseFunction != OperationScope.EnclosingFunction(wait)
            && EnclosingFinally(release) is not null;
    }

    private static IBlockOperation? EnclosingFinally(IOperation operation)
    {
        for (IOperation? current = operation; current.Parent is { } parent; current = parent)
        {
            if (parent is ITryOperation tryOperation && tryOperation.Finally == current)
            {
                return tryOperation.Finally;
            }
        }

        return null;
    }

    // wait; [harmless statements]; try { ... } finally { release; }
    private static bool IsInFinallyOfFollowingTry(IOperation release, IOperation wait)
    {
        IBlockOperation? finallyBlock = EnclosingFinally(release);
        if (finallyBlock?.Parent is not ITryOperation tryOperation)
        {
            return false;
        }

        IOperation statement = StatementOf(wait);
        if (statement.Parent is not IBlockOperation block || tryOperation.Parent != block)
        {
            return false;
        }

        int from = block.Operations.IndexOf(statement);
        int to = block.Operations.IndexOf(tryOperation);
        return from >= 0 && to > from && block.Operations.Skip(from + 1).Take(to - from - 1).All(IsHarmless);
    }

    private static IOperation StatementOf(IOperation operation)
    {
        IOperation current = operation;
        while (current.Parent is { } parent && parent is not IBlockOperation)
        {
            current = parent;
        }

        return current;
    }

    // Statements that cannot throw between a wait and its try: declarations and assignments of plain values.
    private static bool IsHarmless(IOperation statement)
        => statement.DescendantsAndSelf().All(o => o is not (IInvocationOperation or IObjectCreationOperation or IAwaitOperation or IThrowOperation
            or IArrayElementReferenceOperation or IPropertyReferenceOperation or IDynamicInvocationOperation or IConversionOperation { Conversion.IsUserDefined: true }));

    private static bool IsInUsing(IVariableDeclaratorOperation declarator)
    {
        for (IOperation? current = declarator.Parent; current is IVariableDeclarationOperation or IVariableDeclarationGroupOperation or IUsingOperation or IUsingDeclarationOperation; current = current.Parent)
        {
            if (current is IUsingOperation or IUsingDeclarationOperation)
            {
                return true;
            }
        }

        return false;
    }

    // Returned, stored in a field or passed to a call: whoever receives it disposes it.
    private static bool IsHandedOn(ILocalSymbol lease, IOperation use)
        => OperationScope.FunctionBody(use).Descendants().OfType<ILocalReferenceOperation>()
            .Where(r => SymbolEqualityComparer.Default.Equals(r.Local, lease))
            .Any(r => r.Parent is IReturnOperation or IArgumentOperation
                || r.Parent is ISimpleAssignmentOperation { Target: IFieldReferenceOperation or IPropertyReferenceOperation } assignment && assignment.Value == r);

    // lease.Dispose() or lease?.Dispose() in a finally.
    private static bool IsDisposedInFinally(ILocalSymbol lease, IOperation use)
        => OperationScope.FunctionBody(use).Descendants().OfType<IInvocationOperation>()
            .Any(d => d.TargetMethod.Name == "Dispose"
                && DisposedLocal(d) is { } local
                && SymbolEqualityComparer.Default.Equals(local, lease)
                && EnclosingFinally(d) is not null);

    private static ILocalSymbol? DisposedLocal(IInvocationOperation dispose) => dispose.Instance switch
    {
        ILocalReferenceOperation local => local.Local,
        IConditionalAccessInstanceOperation when dispose.Parent is IConditionalAccessOperation { Operation: ILocalReferenceOperation local } => local.Local,
        _ => null,
    };

    // if (await s.WaitAsync(t)) { try { ... } finally { s.Release(); } }: the slot is held only on the success branch.
    private static bool IsInFinallyOfSuccessBranch(IOperation release, IOperation wait)
    {
        if (EnclosingFinally(release)?.Parent is not ITryOperation tryOperation
            || StatementOf(wait) is not IConditionalOperation { WhenTrue: var success } condition
            || !condition.Condition.Syntax.Span.Contains(wait.Syntax.Span))
        {
            return false;
        }

        IOperation first = success is IBlockOperation { Operations.Length: > 0 } block ? block.Operations[0] : success;
        return first == tryOperation;
    }

    /// <summary>The slot and lease types, resolved once per compilation; null when it has neither.</summary>
    private sealed class GateSymbols
    {
        private GateSymbols(INamedTypeSymbol? semaphore, INamedTypeSymbol? limiter, INamedTypeSymbol? lease)
        {
            Semaphore = semaphore;
            Limiter = limiter;
            Lease = lease;
        }

        public INamedTypeSymbol? Semaphore { get; }

        public INamedTypeSymbol? Limiter { get; }

        public INamedTypeSymbol? Lease { get; }

        public static GateSymbols? Create(Compilation compilation)
        {
            INamedTypeSymbol? semaphore = compilation.GetBestTypeByMetadataName(KnownTypeNames.SemaphoreSlim);
            INamedTypeSymbol? limiter = compilation.GetBestTypeByMetadataName(KnownTypeNames.RateLimiter);
            return semaphore is null && limiter is null
                ? null
                : new GateSymbols(semaphore, limiter, compilation.GetBestTypeByMetadataName("System.Threading.RateLimiting.RateLimitLease"));
        }
    }
}
