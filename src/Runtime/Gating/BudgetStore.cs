using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Throttling;

/// <summary>
/// Where a <see cref="ClientThrottle"/> keeps its state (slots, rate ledgers, cool-down) and decides whose turn it is:
/// in this process (<see cref="LocalBudgetStore"/>), or shared by every process of an account (Throttling.Redis).
/// </summary>
/// <remarks>
/// A call goes <see cref="TryEnter"/> (or <see cref="Enter"/> then <see cref="Invoked"/>), runs, then
/// <see cref="Exit"/> with the ticket it got; every path ends in exactly one <see cref="Exit"/>.
/// </remarks>
internal abstract class BudgetStore : IDisposable
{
    /// <summary>A call admitted without any rate limit to record.</summary>
    internal const long Unrecorded = long.MinValue;

    /// <summary>A call granted its turn whose start is not dated yet: <see cref="Invoked"/> dates it.</summary>
    internal const long Undated = long.MinValue + 1;

    private readonly string _client;
    private readonly Clock _clock;
    private readonly ThrottlingMetrics? _metrics;
    private readonly ILogger _logger;

    // Under overload every refused call would log a warning; one report per interval says the same.
    private readonly RejectionLogGate _rejectionLogs = new(TimeSpan.FromSeconds(10).Ticks);

    protected BudgetStore(string client, Clock clock, ThrottlingMetrics? metrics, ILogger logger)
    {
        _client = client;
        _clock = clock;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>The value of the <c>throttling.budget.store</c> tag: <c>local</c> or <c>redis</c>.</summary>
    public abstract string Kind { get; }

    public abstract int InFlight { get; }

    public abstract int Waiting { get; }

    public abstract TimeSpan CoolDownRemaining { get; }

    /// <summary>A stage for the method <paramref name="methodKey"/> names, with limits of its own; "" and none for the client's default stage.</summary>
    public abstract MethodStage AddStage(string methodKey, IReadOnlyList<RateLimitPolicy> limits);

    /// <summary>Admits a call at once when nobody waits and every limit allows it, without waiting or allocating.</summary>
    /// <param name="stage">The call's method stage.</param>
    /// <param name="cost">What the call is charged in limits that count units (<see cref="RateLimitPolicy.Unit"/>); limits of requests charge one.</param>
    /// <param name="ticket">Names the call's start, to hand back to <see cref="Exit"/>; the caller invokes the call at once.</param>
    public abstract bool TryEnter(MethodStage stage, int cost, out long ticket);

    /// <summary>
    /// Waits for the call's turn: a slot, its method's limits and the client's, and no cool-down. The caller checked that
    /// <paramref name="cost"/> fits every limit.
    /// </summary>
    /// <returns>What to hand to <see cref="Invoked"/> right before the call is invoked, or the wait for it; awaited once.</returns>
    public abstract Turn Enter(MethodStage stage, int cost, CancellationToken cancellationToken);

    /// <summary>Called right before the call <see cref="Enter"/> admitted is invoked.</summary>
    /// <returns>Names the call's start, to hand back to <see cref="Exit"/>.</returns>
    public abstract long Invoked(MethodStage stage, long entered, int cost);

    /// <summary>Ends an admitted call of <paramref name="cost"/> (as it entered): dates its start and frees its slot.</summary>
    public abstract void Exit(MethodStage stage, long ticket, int cost);

    /// <summary>
    /// The call of <paramref name="ticket"/>, which reserved <paramref name="reserved"/>, really cost
    /// <paramref name="actual"/> (<see cref="IReportsCost"/>): the unused part returns to its weighted limits, an overrun
    /// is charged, dated like its start. Called before the call's <see cref="Exit"/>, at most once.
    /// </summary>
    public abstract void Settle(MethodStage stage, long ticket, int reserved, int actual);

    /// <summary>Pauses new starts for <paramref name="duration"/> because the server throttled a call.</summary>
    /// <returns>The clock tick this cool-down ends at, which a longer one already under way may outlast.</returns>
    public abstract long CoolDown(TimeSpan duration, RetryAfter retryAfter);

    /// <summary>The server asked for longer than MaxRetryAfter: nobody is sent into it until its time has passed.</summary>
    public abstract void Refuse(TimeSpan duration);

    /// <summary>
    /// Calls admitted so far, read right after a call was admitted and before it is invoked: the mark that
    /// <see cref="ServerSaid"/> counts the calls sent after it from. Zero for a store that numbers starts elsewhere
    /// (Throttling.Redis counts every process's in Redis, and marks each call by that count).
    /// </summary>
    public virtual long Starts => 0;

    /// <summary>Calls that may be in flight now: the slot count, or the live limit of adaptive slots.</summary>
    public abstract int SlotLimit { get; }

    /// <summary>Whether the store adapts its slot limit, and so wants <see cref="CallEnded"/>.</summary>
    public abstract bool IsAdaptive { get; }

    /// <summary>
    /// A call invoked at clock tick <paramref name="sentAt"/> ended so: what an adaptive slot limit learns from. Only
    /// called when <see cref="IsAdaptive"/>.
    /// </summary>
    public abstract void CallEnded(long sentAt, CallOutcome outcome);

    /// <summary>
    /// The server's answer to the call invoked at <paramref name="mark"/> with <paramref name="ticket"/> said what is left
    /// of its limits (its rate-limit headers). Called before the call's <see cref="Exit"/>.
    /// </summary>
    public abstract void ServerSaid(long mark, MethodStage stage, long ticket, ServerLimits limits);

    /// <summary>Stops the store's timers and fails every waiting call with <see cref="ObjectDisposedException"/>.</summary>
    public abstract void Dispose();

    /// <summary>
    /// The rejection of a call for <paramref name="reason"/>, <paramref name="detail"/> saying why in words that name the
    /// limit: counted in the metrics, and logged at most once per interval with the count of the others.
    /// </summary>
    internal ThrottlingRejectedException Rejection(RejectionReason reason, string detail)
    {
        _metrics?.Rejected(_client, Kind, reason);
        if (_logger.IsEnabled(LogLevel.Warning) && _rejectionLogs.ShouldLog(_clock.Now(), out int suppressed))
        {
            ThrottlingLog.Rejected(_logger, _client, detail, suppressed);
        }

        return new ThrottlingRejectedException(_client, reason, $"{_client} rejected the call: {detail}");
    }
}
