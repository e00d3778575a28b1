using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Throttling;

/// <summary>
/// The live budget of one client: its slots, its rate limits and its cool-down, shared by every instance of the client
/// that uses it. Generated clients get theirs from a <see cref="ThrottlingRegistry"/>; one built directly is a budget of
/// its own.
/// </summary>
/// <remarks>
/// <para>
/// A call waits, holding nothing, until it can start: a slot is free, the client is not cooling down, and its method's
/// limits and the client's all have a permit. Among the waiters that could start, the one that came first goes first.
/// A start is dated when it is known to have reached the server: at its response, or the policy's
/// <see cref="ThrottlingPolicy.RecordingDelayCap"/> after its invocation if that is sooner.
/// </para>
/// <para>
/// The budget lives in this process unless its registry keeps budgets elsewhere (Throttling.Redis shares them between
/// processes); the guarantees are the same.
/// </para>
/// </remarks>
public sealed class ClientThrottle : IDisposable
{
    private readonly Dictionary<string, CallGate> _gates = new(StringComparer.Ordinal);
    private readonly Clock _clock;
    private readonly ThrottlingMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly Random _random = new();

    // Whether a limit of the client or of a method counts units, so that a result's reported cost is worth settling.
    private readonly bool _settlesCosts;

    // The store's IsAdaptive, read once: every call asks, twice when it waits.
    private readonly bool _isAdaptive;

    /// <summary>Creates a budget of its own for <paramref name="policy"/>, outside any registry.</summary>
    /// <param name="policy">The limits to enforce.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> by default.</param>
    public ClientThrottle(ThrottlingPolicy policy, TimeProvider? timeProvider = null)
        : this(policy, scope: null, timeProvider ?? TimeProvider.System, metrics: null, logger: null, stores: null)
    {
    }

    internal ClientThrottle(ThrottlingPolicy policy, string? scope, TimeProvider timeProvider, ThrottlingMetrics? metrics, ILogger? logger, BudgetStoreFactory? stores)
    {
        Policy = policy ?? throw new ArgumentNullException(nameof(policy));
        Scope = scope;
        _clock = new Clock(timeProvider);
        _metrics = metrics;
        _logger = logger ?? NullLogger.Instance;
        Store = stores?.Create(policy, scope, _clock, metrics, _logger) ?? new LocalBudgetStore(policy, _clock, metrics, _logger);
        _isAdaptive = Store.IsAdaptive;
        _settlesCosts = policy.RateLimits.Concat(policy.Methods.SelectMany(m => m.RateLimits)).Any(l => l.IsWeighted);
        DefaultGate = new CallGate(this, Store.AddStage(string.Empty, Array.Empty<RateLimitPolicy>()), policy.Backoff, Array.Empty<RateLimitPolicy>());
    }

    /// <summary>The client's name, as its metrics and log events carry it.</summary>
    public string Name => Policy.Name;

    /// <summary>The budget's scope (such as an API key's id) when the client has several budgets; null otherwise.</summary>
    public string? Scope { get; }

    /// <summary>The limits this budget enforces, configuration overrides included.</summary>
    public ThrottlingPolicy Policy { get; }

    /// <summary>The gate of methods that add nothing to the client's policy; generated code calls through it.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public CallGate DefaultGate { get; }

    /// <summary>Calls of this process running now.</summary>
    public int InFlight => Store.InFlight;

    /// <summary>Calls of this process waiting for their turn now.</summary>
    public int Waiting => Store.Waiting;

    /// <summary>
    /// Calls that may be in flight now: the slot count, or the live limit of <see cref="SlotPolicy.Adaptive"/> slots;
    /// <see cref="int.MaxValue"/> for a client without slots.
    /// </summary>
    public int SlotLimit => Store.SlotLimit;

    /// <summary>How long new starts stay paused because the server throttled a call; zero when they are not.</summary>
    public TimeSpan CoolDownRemaining => Store.CoolDownRemaining;

    /// <summary>Where the budget's state is kept.</summary>
    internal BudgetStore Store { get; }

    /// <summary>
    /// The gate of the method that <paramref name="methodKey"/> names in <see cref="ThrottlingPolicy.Methods"/>; the
    /// <see cref="DefaultGate"/> when the policy has nothing for it.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public CallGate Gate(string methodKey)
    {
        if (Policy.FindMethod(methodKey) is not { } method)
        {
            return DefaultGate;
        }

        lock (_gates)
        {
            if (!_gates.TryGetValue(methodKey, out CallGate? gate))
            {
                MethodStage stage = method.RateLimits.Count == 0 ? DefaultGate.Stage : Store.AddStage(methodKey, method.RateLimits);
                gate = new CallGate(this, stage, method.Backoff ?? Policy.Backoff, method.RateLimits);
                _gates.Add(methodKey, gate);
            }

            return gate;
        }
    }

    /// <summary>Stops the timer and fails every waiting call with <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => Store.Dispose();

    /// <inheritdoc />
    public override string ToString() => Scope is null ? Policy.ToString() : $"{Policy} (scope {Scope})";

    internal bool TryEnter(MethodStage stage, int cost, out long ticket) => Store.TryEnter(stage, cost, out ticket);

    internal Turn Enter(MethodStage stage, int cost, CancellationToken cancellationToken) => Store.Enter(stage, cost, cancellationToken);

    internal ValueTask<long> EnterAsync(MethodStage stage, int cost, CancellationToken cancellationToken) => Store.Enter(stage, cost, cancellationToken).AsValueTask();

    internal long Invoked(MethodStage stage, long entered, int cost) => Store.Invoked(stage, entered, cost);

    internal void Exit(MethodStage stage, long ticket, int cost) => Store.Exit(stage, ticket, cost);

    /// <summary>
    /// The rejection of a call whose <paramref name="cost"/> exceeds the whole of <paramref name="limit"/>: it could never
    /// start, so nothing is sent.
    /// </summary>
    internal ThrottlingRejectedException CostExceeds(RateLimitPolicy limit, long cost)
        => Store.Rejection(
            RejectionReason.CostExceedsLimit,
            $"its cost of {cost.ToString("N0", CultureInfo.InvariantCulture)} {limit.Unit} exceeds the whole limit of {limit}, so it could never start; nothing was sent.");

    /// <summary>When a call invoked now was sent, for <see cref="CallEnded"/>; <see cref="long.MinValue"/> when nobody adapts to it.</summary>
    internal long SentAt => _isAdaptive ? _clock.Now() : long.MinValue;

    /// <summary>Tells an adaptive slot limit how a call sent at <paramref name="sentAt"/> ended.</summary>
    internal void CallEnded(long sentAt, CallOutcome outcome)
    {
        if (sentAt != long.MinValue)
        {
            Store.CallEnded(sentAt, outcome);
        }
    }

    /// <summary>The mark to hand to <see cref="Observe{TResult}"/> for a call about to be invoked.</summary>
    internal long Starts => Store.Starts;

    /// <summary>
    /// Reads what the server said about its limits in a call's result (or exception), the call of
    /// <paramref name="stage"/> invoked at <paramref name="mark"/> with <paramref name="ticket"/>: the store dates its
    /// start and paces the calls that follow by it. A server that has nothing left for longer than MaxRetryAfter gets no
    /// calls until then, as a Retry-After that long would.
    /// </summary>
    internal void Observe<TResult>(long mark, MethodStage stage, long ticket, int cost, TResult response)
    {
        // A value-type result carries no headers; the JIT drops this whole body for one.
        if (response is null || typeof(TResult).IsValueType)
        {
            return;
        }

        // Settled first, while the start may still hold its reservation: the headers may date it next.
        if (_settlesCosts && response is IReportsCost reports && ticket != BudgetStore.Unrecorded)
        {
            Settle(stage, ticket, cost, reports);
        }

        HttpResponseHeaders? headers = response is HttpResponseMessage message ? message.Headers : ResponseHeadersOf(response);
        if (headers is null || RateLimitHeaders.Read(headers, _clock.Time.GetUtcNow()) is not { } limits)
        {
            return;
        }

        Store.ServerSaid(mark, stage, ticket, limits);
        if (limits.Requests is { Remaining: 0 } exhausted && exhausted.Reset > Policy.Backoff.MaxRetryAfter)
        {
            ThrottlingLog.RetryAfterTooLong(_logger, Name, exhausted.Reset, Policy.Backoff.MaxRetryAfter);
            Store.Refuse(exhausted.Reset);
        }
    }

    /// <summary>
    /// Called when the server throttled a call: decides whether and when to retry, and pauses the whole client's new
    /// starts for that long, so one 429 does not become one per slot.
    /// </summary>
    /// <param name="backoff">The method's backoff.</param>
    /// <param name="retry">Retries already made for this call.</param>
    /// <param name="retryAfter">What the server said.</param>
    /// <param name="retryAt">The clock tick the retry waits for, to hand to <see cref="DelayUntilAsync"/>.</param>
    /// <returns>False when the call should end with the server's answer.</returns>
    internal bool ShouldRetry(BackoffPolicy backoff, int retry, RetryAfter retryAfter, out long retryAt)
    {
        _metrics?.ServerThrottled(Name, Store.Kind);
        ThrottlingLog.ServerThrottled(_logger, Name, retryAfter);
        TimeSpan? serverDelay = retryAfter.Resolve(_clock.Time.GetUtcNow());
        if (serverDelay > backoff.MaxRetryAfter)
        {
            ThrottlingLog.RetryAfterTooLong(_logger, Name, serverDelay.Value, backoff.MaxRetryAfter);
            Store.Refuse(serverDelay.Value);
            retryAt = long.MinValue;
            return false;
        }

        TimeSpan delay;
        lock (_random)
        {
            delay = serverDelay ?? backoff.ComputeDelay(retry, _random.NextDouble());
        }

        retryAt = Store.CoolDown(delay, retryAfter);
        if (retry >= backoff.MaxRetries)
        {
            ThrottlingLog.RetriesExhausted(_logger, Name, retry + 1);
            return false;
        }

        _metrics?.Retried(Name, Store.Kind);
        return true;
    }

    // A result whose report fails or is negative leaves the reservation as it was: the safe side.
    private void Settle(MethodStage stage, long ticket, int cost, IReportsCost reports)
    {
        long actual;
        try
        {
            actual = reports.ActualCost;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return;
        }

        if (actual >= 0)
        {
            Store.Settle(stage, ticket, cost, (int)Math.Min(actual, int.MaxValue));
        }
    }

    // A policy's reader that fails reads nothing: the call's outcome is the caller's, whatever its headers say.
    private HttpResponseHeaders? ResponseHeadersOf(object response)
    {
        try
        {
            return Policy.ResponseHeaders?.Invoke(response);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="exception"/> means the server throttled the call, by the built-in rules or the policy's.</summary>
    internal bool IsServerThrottle(Exception exception, out RetryAfter retryAfter)
        => ServerThrottle.IsThrottled(exception, out retryAfter)
            || (Policy.ExceptionDetector?.Invoke(exception, out retryAfter) ?? false);

    /// <summary>
    /// Waits until <paramref name="retryAt"/>, a moment rather than a duration: a retry that reaches its wait late (a
    /// busy thread pool) does not add the lateness to the server's Retry-After.
    /// </summary>
    internal Task DelayUntilAsync(long retryAt, CancellationToken cancellationToken)
    {
        long now = _clock.Now();
        if (retryAt <= now)
        {
            return Task.CompletedTask;
        }

        TimeSpan delay = Clock.DueTime(now, retryAt);
#if NET8_0_OR_GREATER
        return Task.Delay(delay, _clock.Time, cancellationToken);
#else
        return _clock.Time.Delay(delay, cancellationToken);
#endif
    }
}
