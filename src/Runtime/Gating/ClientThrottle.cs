using System;
using System.Collections.Generic;
using System.Linq;
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
/// <para>A call passes three stages, in this order:</para>
/// <list type="number">
/// <item>its method's own rate limits, if any, which it <em>reserves</em> without holding a slot, so a method that waits
/// for its own limit never blocks the client's other methods;</item>
/// <item>a slot, first come first served;</item>
/// <item>the client's rate limits and cool-down, whose permits it reserves at the moment it starts.</item>
/// </list>
/// <para>
/// When the call ends its permits are recorded as a start dated at its response, or <see cref="RecordingDelayCap"/>
/// after it was sent if that is sooner: the server has counted the request by then, wherever network and warm-up
/// delays put its arrival, so a server counting "N per window" of arrivals never sees N + 1. While the call is in flight
/// its permits stay reserved, so a call that outlasts a whole window keeps its permit until it ends; bound long
/// streams with slots rather than with a rate whose window is shorter than they are.
/// </para>
/// <para>Everything is guarded by one lock and driven by one timer; a caller that gets through at once allocates nothing.</para>
/// </remarks>
public sealed class ClientThrottle : IDisposable
{
    /// <summary>
    /// The latest, after a request was sent, that its start is dated when its call ends: a request reaches the server
    /// within this long, so dating it then (or at its response, if sooner) never dates it before the server counted it.
    /// </summary>
    public static readonly TimeSpan RecordingDelayCap = TimeSpan.FromSeconds(1);

    /// <summary>A call admitted without any rate limit to record.</summary>
    internal const long Unrecorded = long.MinValue;

    private readonly object _sync = new();
    private readonly Clock _clock;
    private readonly int _slotLimit;
    private readonly int _queueLimit;
    private readonly TimeSpan? _maxWait;
    private readonly PermitLedger[] _ledgers;
    private readonly List<MethodStage> _stages = new();
    private readonly Dictionary<string, CallGate> _gates = new(StringComparer.Ordinal);
    private readonly WaiterQueue<long> _slotQueue = new();
    private readonly WaiterQueue<long> _startQueue = new();
    private readonly ThrottlingMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly Random _random = new();
    private int _slotsInUse;
    private int _inFlight;
    private int _waiting;
    private long _coolDownUntil = long.MinValue;
    private ITimer? _timer;
    private long _timerDue = long.MaxValue;
    private bool _disposed;

    /// <summary>Creates a budget of its own for <paramref name="policy"/>, outside any registry.</summary>
    /// <param name="policy">The limits to enforce.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> by default.</param>
    public ClientThrottle(ThrottlingPolicy policy, TimeProvider? timeProvider = null)
        : this(policy, scope: null, timeProvider ?? TimeProvider.System, metrics: null, logger: null)
    {
    }

    internal ClientThrottle(ThrottlingPolicy policy, string? scope, TimeProvider timeProvider, ThrottlingMetrics? metrics, ILogger? logger)
    {
        Policy = policy ?? throw new ArgumentNullException(nameof(policy));
        Scope = scope;
        _clock = new Clock(timeProvider);
        _slotLimit = policy.Slots?.Count ?? int.MaxValue;
        _queueLimit = policy.Slots?.QueueLimit ?? int.MaxValue;
        _maxWait = policy.Slots?.MaxWait;
        _ledgers = CreateLedgers(policy.RateLimits);
        _metrics = metrics;
        _logger = logger ?? NullLogger.Instance;
        DefaultGate = new CallGate(this, AddStage(Array.Empty<PermitLedger>()), policy.Backoff);
    }

    /// <summary>The client's name, as its metrics and log events carry it.</summary>
    public string Name => Policy.Name;

    /// <summary>The budget's scope (such as an API key's id) when the client has several budgets; null otherwise.</summary>
    public string? Scope { get; }

    /// <summary>The limits this budget enforces, configuration overrides included.</summary>
    public ThrottlingPolicy Policy { get; }

    /// <summary>The gate of methods that add nothing to the client's policy.</summary>
    public CallGate DefaultGate { get; }

    /// <summary>Calls running now.</summary>
    public int InFlight
    {
        get
        {
            lock (_sync)
            {
                return _inFlight;
            }
        }
    }

    /// <summary>Calls waiting for their turn now.</summary>
    public int Waiting
    {
        get
        {
            lock (_sync)
            {
                return _waiting;
            }
        }
    }

    /// <summary>How long new starts stay paused because the server throttled a call; zero when they are not.</summary>
    public TimeSpan CoolDownRemaining
    {
        get
        {
            lock (_sync)
            {
                long now = _clock.Now();
                return _coolDownUntil > now ? TimeSpan.FromTicks(_coolDownUntil - now) : TimeSpan.Zero;
            }
        }
    }

    /// <summary>
    /// The gate of the method that <paramref name="methodKey"/> names in <see cref="ThrottlingPolicy.Methods"/>; the
    /// <see cref="DefaultGate"/> when the policy has nothing for it.
    /// </summary>
    public CallGate Gate(string methodKey)
    {
        if (!Policy.Methods.TryGetValue(methodKey, out MethodPolicy? method))
        {
            return DefaultGate;
        }

        lock (_sync)
        {
            if (!_gates.TryGetValue(methodKey, out CallGate? gate))
            {
                MethodStage stage = method.RateLimits.Count == 0 ? DefaultGate.Stage : AddStage(CreateLedgers(method.RateLimits));
                gate = new CallGate(this, stage, method.Backoff ?? Policy.Backoff);
                _gates.Add(methodKey, gate);
            }

            return gate;
        }
    }

    /// <summary>Stops the timer and fails every waiting call with <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        var abandoned = new List<Admission>();
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _timer?.Dispose();
            foreach (WaiterQueue<long> queue in _stages.Select(s => s.Queue).Append(_slotQueue).Append(_startQueue))
            {
                while (queue.Head is Admission head)
                {
                    queue.Remove(head);
                    abandoned.Add(head);
                }
            }

            _waiting = 0;
        }

        foreach (Admission admission in abandoned)
        {
            admission.TrySetException(new ObjectDisposedException(nameof(ClientThrottle), $"The throttle of {Name} was disposed while calls waited."));
        }
    }

    /// <inheritdoc />
    public override string ToString() => Scope is null ? Policy.ToString() : $"{Policy} (scope {Scope})";

    /// <summary>Admits a call at once when nobody waits ahead of it and every limit allows it; allocates nothing.</summary>
    /// <param name="stage">The call's method stage.</param>
    /// <param name="started">When it started, to hand back to <see cref="Exit"/>.</param>
    internal bool TryEnter(MethodStage stage, out long started)
    {
        lock (_sync)
        {
            return TryEnterNow(stage, out started);
        }
    }

    /// <summary>Waits for the call's turn: its method's limits, a slot, the client's limits and cool-down.</summary>
    /// <returns>When the call started, to hand back to <see cref="Exit"/>.</returns>
    internal async Task<long> EnterAsync(MethodStage stage, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Admission? admission = null;
        lock (_sync)
        {
            ThrowIfDisposed();
            if (TryEnterNow(stage, out long started))
            {
                return started;
            }

            if (_waiting < _queueLimit)
            {
                long now = _clock.Now();
                admission = new Admission(this, stage, now);
                stage.Queue.Enqueue(admission);
                _waiting++;
                Pump(now);
            }
        }

        if (admission is null)
        {
            throw Reject(RejectionReason.QueueFull);
        }

        using (admission)
        {
            if (!admission.Task.IsCompleted)
            {
                admission.Arm(_maxWait, _clock.Time, cancellationToken);
            }

            return await admission.Task.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Ends a call that <see cref="TryEnter"/> or <see cref="EnterAsync"/> admitted: records its start (now, or
    /// <see cref="RecordingDelayCap"/> after it was sent, whichever is sooner) and frees its slot.
    /// </summary>
    internal void Exit(MethodStage stage, long started)
    {
        lock (_sync)
        {
            _slotsInUse--;
            _inFlight--;
            if (started == Unrecorded && (_waiting == 0 || _disposed))
            {
                return;
            }

            long now = _clock.Now();
            if (started != Unrecorded)
            {
                long recordedAt = Math.Min(now, started + RecordingDelayCap.Ticks);
                PermitLedger.CommitOneInEach(stage.Ledgers, recordedAt);
                PermitLedger.CommitOneInEach(_ledgers, recordedAt);
            }

            if (_waiting > 0 && !_disposed)
            {
                Pump(now);
            }
        }
    }

    /// <summary>
    /// Called when the server throttled a call: decides whether and when to retry, and pauses the whole client's new
    /// starts for that long, so one 429 does not become one per slot.
    /// </summary>
    /// <param name="backoff">The method's backoff.</param>
    /// <param name="retry">Retries already made for this call.</param>
    /// <param name="retryAfter">What the server said.</param>
    /// <param name="delay">How long to wait before the retry.</param>
    /// <returns>False when the call should end with the server's answer.</returns>
    internal bool ShouldRetry(BackoffPolicy backoff, int retry, RetryAfter retryAfter, out TimeSpan delay)
    {
        _metrics?.ServerThrottled(Name);
        ThrottlingLog.ServerThrottled(_logger, Name, retryAfter);
        TimeSpan? serverDelay = retryAfter.Resolve(_clock.Time.GetUtcNow());
        if (serverDelay > backoff.MaxRetryAfter)
        {
            ThrottlingLog.RetryAfterTooLong(_logger, Name, serverDelay.Value, backoff.MaxRetryAfter);
            delay = TimeSpan.Zero;
            return false;
        }

        lock (_sync)
        {
            delay = serverDelay ?? backoff.ComputeDelay(retry, _random.NextDouble());
        }

        CoolDown(delay, retryAfter);
        if (retry >= backoff.MaxRetries)
        {
            ThrottlingLog.RetriesExhausted(_logger, Name, retry + 1);
            return false;
        }

        _metrics?.Retried(Name);
        return true;
    }

    /// <summary>Whether <paramref name="exception"/> means the server throttled the call, by the built-in rules or the policy's.</summary>
    internal bool IsServerThrottle(Exception exception, out RetryAfter retryAfter)
        => ServerThrottle.IsThrottled(exception, out retryAfter)
            || (Policy.ExceptionDetector?.Invoke(exception, out retryAfter) ?? false);

    internal Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }
#if NET8_0_OR_GREATER
        return Task.Delay(delay, _clock.Time, cancellationToken);
#else
        return _clock.Time.Delay(delay, cancellationToken);
#endif
    }

    /// <summary>Leaves the queue early (cancelled, or <paramref name="reason"/>), giving back all the call holds.</summary>
    internal void Abandon(Admission admission, RejectionReason? reason)
    {
        lock (_sync)
        {
            if (admission.Queue is not { } queue || !queue.Remove(admission))
            {
                return;
            }

            long now = _clock.Now();
            if (admission.HoldsReservation)
            {
                foreach (PermitLedger ledger in admission.Stage.Ledgers)
                {
                    ledger.Unreserve(now, 1);
                }
            }

            if (admission.HoldsSlot)
            {
                _slotsInUse--;
            }

            _waiting--;
            Pump(now);
        }

        if (reason is { } rejection)
        {
            admission.TrySetException(Reject(rejection));
        }
        else
        {
            admission.TrySetCanceled(admission.CancellationToken);
        }
    }

    private PermitLedger[] CreateLedgers(IReadOnlyList<RateLimitPolicy> limits)
    {
        long now = _clock.Now();
        long utcNow = _clock.Time.GetUtcNow().UtcTicks;
        return limits.Select(l => PermitLedger.Create(l, now, utcNow)).ToArray();
    }

    private MethodStage AddStage(PermitLedger[] ledgers)
    {
        var stage = new MethodStage(ledgers);
        _stages.Add(stage);
        return stage;
    }

    // Under _sync. Permits are reserved now and recorded when the call ends (see Exit).
    private bool TryEnterNow(MethodStage stage, out long started)
    {
        started = Unrecorded;
        if (_slotsInUse >= _slotLimit || !stage.Queue.IsEmpty || !_slotQueue.IsEmpty || !_startQueue.IsEmpty || _disposed)
        {
            return false;
        }

        if (stage.Ledgers.Length != 0 || _ledgers.Length != 0 || _coolDownUntil != long.MinValue)
        {
            long now = _clock.Now();
            if (now < _coolDownUntil || PermitLedger.ReadyAtAll(stage.Ledgers, now, 1) > now || PermitLedger.ReadyAtAll(_ledgers, now, 1) > now)
            {
                return false;
            }

            PermitLedger.ReserveOneInEach(stage.Ledgers, now);
            PermitLedger.ReserveOneInEach(_ledgers, now);

            started = stage.Ledgers.Length != 0 || _ledgers.Length != 0 ? now : Unrecorded;
        }

        _slotsInUse++;
        _inFlight++;
        return true;
    }

    // Under _sync: moves waiters forward through the stages while they can move, then sets the timer for the
    // earliest moment one of them could move again.
    private void Pump(long now)
    {
        while (true)
        {
            bool moved = false;
            long wake = long.MaxValue;

            while (_startQueue.Head is Admission starting)
            {
                long readyAt = Math.Max(_coolDownUntil, PermitLedger.ReadyAtAll(_ledgers, now, 1));
                if (readyAt > now)
                {
                    wake = Math.Min(wake, readyAt);
                    break;
                }

                _startQueue.Remove(starting);
                Start(starting, now);
                moved = true;
            }

            while (_slotQueue.Head is Admission waiting && _slotsInUse < _slotLimit)
            {
                _slotQueue.Remove(waiting);
                _slotsInUse++;
                waiting.HoldsSlot = true;
                _startQueue.Enqueue(waiting);
                moved = true;
            }

            foreach (MethodStage stage in _stages)
            {
                while (stage.Queue.Head is Admission arriving)
                {
                    long readyAt = Math.Max(_coolDownUntil, PermitLedger.ReadyAtAll(stage.Ledgers, now, 1));
                    if (readyAt > now)
                    {
                        // Unknown: blocked by reservations; their commit or release pumps again.
                        wake = readyAt == PermitLedger.Unknown ? wake : Math.Min(wake, readyAt);
                        break;
                    }

                    stage.Queue.Remove(arriving);
                    PermitLedger.ReserveOneInEach(stage.Ledgers, now);

                    arriving.HoldsReservation = stage.Ledgers.Length != 0;
                    _slotQueue.Enqueue(arriving);
                    moved = true;
                }
            }

            if (!moved)
            {
                ArmTimer(now, wake);
                return;
            }
        }
    }

    // Under _sync. The method's permits stay reserved, the client's are reserved now; Exit records both.
    private void Start(Admission admission, long now)
    {
        PermitLedger.ReserveOneInEach(_ledgers, now);

        _waiting--;
        _inFlight++;
        _metrics?.Waited(Name, TimeSpan.FromTicks(now - admission.EnqueuedAt));
        admission.TrySetResult(admission.Stage.Ledgers.Length != 0 || _ledgers.Length != 0 ? now : Unrecorded);
    }

    // Under _sync.
    private void ArmTimer(long now, long wake)
    {
        if (wake == _timerDue)
        {
            return;
        }

        _timerDue = wake;
        if (wake == long.MaxValue)
        {
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        _timer ??= _clock.Time.CreateTimer(static state => ((ClientThrottle)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(Clock.DueTime(now, wake), Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        lock (_sync)
        {
            _timerDue = long.MaxValue;
            if (!_disposed)
            {
                Pump(_clock.Now());
            }
        }
    }

    private void CoolDown(TimeSpan duration, RetryAfter retryAfter)
    {
        lock (_sync)
        {
            long now = _clock.Now();
            long until = now + duration.Ticks;
            if (duration <= TimeSpan.Zero || until <= _coolDownUntil)
            {
                return;
            }

            _coolDownUntil = until;
            if (_waiting > 0 && !_disposed)
            {
                Pump(now);
            }
        }

        _metrics?.CooledDown(Name);
        ThrottlingLog.CoolDownStarted(_logger, Name, duration, retryAfter.IsSpecified);
    }

    private ThrottlingRejectedException Reject(RejectionReason reason)
    {
        _metrics?.Rejected(Name, reason);
        string message = reason switch
        {
            RejectionReason.QueueFull => $"{Name} rejected the call: {_waiting} callers already wait for their turn under {DescribeLimits()}, and its QueueLimit is {_queueLimit}.",
            _ => $"{Name} rejected the call: it waited {Duration.Format(_maxWait ?? TimeSpan.Zero)} (MaxWait) for its turn under {DescribeLimits()}.",
        };
        ThrottlingLog.Rejected(_logger, Name, reason, message);
        return new ThrottlingRejectedException(Name, reason, message);
    }

    private string DescribeLimits()
    {
        IEnumerable<string> parts = Policy.RateLimits.Select(l => l.ToString());
        if (Policy.Slots is { } slots)
        {
            parts = parts.Prepend(slots.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " slots");
        }

        return string.Join(", ", parts);
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw new ObjectDisposedException(nameof(ClientThrottle), $"The throttle of {Name} was disposed.");
        }
    }
}
