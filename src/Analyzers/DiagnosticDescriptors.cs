using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace Throttling.Analyzers;

/// <summary>Every rule's descriptor, in one place, each pointing at its page under docs/rules.</summary>
internal static class DiagnosticDescriptors
{
    private const string Reliability = "Reliability";
    private const string Usage = "Usage";

    // Written once, in Directory.Build.props, and stamped into this assembly.
    private static readonly string HelpRoot = typeof(DiagnosticDescriptors).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryUrl").Value + "/blob/main/docs/rules/";

    public static readonly DiagnosticDescriptor UnboundedFanOut = Create(
        DiagnosticIds.UnboundedFanOut,
        "Bound the fan-out",
        "{0} starts a task for every item of '{1}' at once, and nothing bounds how many run; use FanOut.WhenAll(..., maxConcurrency) or Parallel.ForEachAsync with MaxDegreeOfParallelism",
        Reliability,
        DiagnosticSeverity.Warning,
        "Starting one task per item of a collection whose size is not known at compile time opens as many connections, sockets and server slots as there are items; the provider answers 429 or the process runs out of memory.");

    public static readonly DiagnosticDescriptor SyncOverAsync = Create(
        DiagnosticIds.SyncOverAsync,
        "Do not block on asynchronous code",
        "{0}",
        Reliability,
        DiagnosticSeverity.Warning,
        "Blocking a thread on a task that has not completed starves the thread pool under load and deadlocks where a synchronization context is present.");

    public static readonly DiagnosticDescriptor MissingTooManyRequestsHandling = Create(
        DiagnosticIds.MissingTooManyRequestsHandling,
        "Handle 429 Too Many Requests",
        "The response of '{0}' is checked for success, but a 429 Too Many Requests and its Retry-After are handled nowhere; throttle the client with [RateLimit] and [Backoff], or add a resilience handler",
        Reliability,
        DiagnosticSeverity.Warning,
        "A rate-limited API answers 429 with a Retry-After; code that only checks for success turns every throttled call into a failure, and retries that ignore Retry-After prolong the throttling.",
        WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor UnbalancedSlot = Create(
        DiagnosticIds.UnbalancedSlot,
        "Release every slot on every path",
        "{0}",
        Reliability,
        DiagnosticSeverity.Warning,
        "A semaphore slot or rate limiter lease that is not released on every path leaks capacity until nothing runs; one released without having been taken lets more run than allowed.");

    public static readonly DiagnosticDescriptor AsyncLambdaAsVoidDelegate = Create(
        DiagnosticIds.AsyncLambdaAsVoidDelegate,
        "Do not pass an async lambda as a void-returning delegate",
        "{0} becomes an async void {1}: nobody awaits it, its exceptions crash the process, and the caller continues before it finishes",
        Reliability,
        DiagnosticSeverity.Warning,
        "An async lambda, or an async void method passed as a method group, converted to a void-returning delegate (Action, Parallel.ForEach's body, List<T>.ForEach, a callback) is fire-and-forget: the caller cannot wait for it, and an exception in it is raised on the thread pool and ends the process.");

    public static readonly DiagnosticDescriptor RetryIgnoresRetryAfter = Create(
        DiagnosticIds.RetryIgnoresRetryAfter,
        "Retry 429s after Retry-After, with jitter",
        "{0}",
        Reliability,
        DiagnosticSeverity.Info,
        "A retry loop on 429 that waits a fixed delay, or ignores the server's Retry-After, retries in lockstep with every other client and keeps the server throttling.");

    public static readonly DiagnosticDescriptor MalformedDuration = Create(
        DiagnosticIds.MalformedDuration,
        "Write durations as a number and a unit",
        "{0}",
        Usage,
        DiagnosticSeverity.Error,
        "Throttling attributes take durations such as \"500ms\", \"1.5s\", \"1m\", \"1h\" or \"1d\"; anything else would be a run-time surprise, so it is a compile-time error.");

    public static readonly DiagnosticDescriptor OutOfRangeCount = Create(
        DiagnosticIds.OutOfRangeCount,
        "Use counts that can be met",
        "{0}",
        Usage,
        DiagnosticSeverity.Error,
        "Slots and permits must be at least 1, queue limits and retries at least 0; any other value could never let a call run.");

    public static readonly DiagnosticDescriptor MemberPassesThrough = Create(
        DiagnosticIds.MemberPassesThrough,
        "Member passes through ungated",
        "'{0}' passes through the throttled client ungated: {1}",
        Usage,
        DiagnosticSeverity.Warning,
        "Only Task, Task<T>, ValueTask, ValueTask<T> and IAsyncEnumerable<T> methods are gated; other members are forwarded to the inner client without slots, rate limits or retries.");

    public static readonly DiagnosticDescriptor GatedMethodWithoutCancellation = Create(
        DiagnosticIds.GatedMethodWithoutCancellation,
        "Let gated calls be cancelled",
        "'{0}' takes no CancellationToken, so a caller cannot cancel its wait for a slot or rate permit",
        Usage,
        DiagnosticSeverity.Info,
        "A gated call may wait for its turn; without a CancellationToken parameter that wait can only end with the call's turn or the client's MaxWait.");

    public static readonly DiagnosticDescriptor AttributeWithoutEffect = Create(
        DiagnosticIds.AttributeWithoutEffect,
        "Throttling attribute has no effect",
        "[{0}] has no effect here: {1}",
        Usage,
        DiagnosticSeverity.Warning,
        "[Backoff], [Unthrottled] and method-level [RateLimit] configure a throttled client; they do nothing unless the interface carries [Slots] or [RateLimit]. [Cost] does nothing unless a limit counts units. Below C# 9 no client is generated at all.");

    public static readonly DiagnosticDescriptor InvalidCost = Create(
        DiagnosticIds.InvalidCost,
        "Take a call's cost from an integer",
        "{0}",
        Usage,
        DiagnosticSeverity.Error,
        "[Cost] marks the integer parameter, or the integer property of a parameter, that says what a call costs in the units of the client's weighted limits; anything else cannot be charged.");

    public static readonly DiagnosticDescriptor MissingCost = Create(
        DiagnosticIds.MissingCost,
        "Say what each call under a weighted limit costs",
        "'{0}' is gated by a limit of {1}, but no parameter says what a call costs; mark the one that does with [Cost]",
        Usage,
        DiagnosticSeverity.Error,
        "A limit whose Unit is not \"requests\" charges each call its cost; a gated method without a [Cost] parameter would be charged one unit a call, and the server's quota would run out long before the limit says.");

    private static DiagnosticDescriptor Create(string id, string title, string message, string category, DiagnosticSeverity severity, string description, params string[] tags)
        => new(id, title, message, category, severity, isEnabledByDefault: true, description, HelpRoot + id + ".md", tags);
}
