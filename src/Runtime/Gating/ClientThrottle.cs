using System;
using System.Collections.Generic;
using System.ComponentModel;
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
/// <para>
/// A call waits in its method stage's queue, holding nothing, until it can start: a slot is free, the client is not
/// cooling down, and its method's limits and the client's all have a permit. Among the waiters that could start, the
/// one that came first goes first; a waiter whose own method limit is used up lets the others pass without losing its
/// place, so a method's limit costs it exactly what the limit says and nothing more. Slot and permits are taken
/// together at that moment.
/// </para>
/// <para>
/// A start is dated when the inner call is invoked: its permits count from then, and its date is its response, or the
/// policy's <see cref="ThrottlingPolicy.RecordingDelayCap"/> after the invocation if that is sooner. The server has
/// counted the request by then wherever network delays put its arrival, so a server counting "N per window" of arrivals
/// never sees N + 1; and a call that runs longer than the cap has its permit follow the window from the cap on, so a
/// limit delivers W / (W + min(L, cap)) of itself for calls of length L in windows of length W.
/// </para>
/// <para>
/// A server that asks for a wait beyond <see cref="BackoffPolicy.MaxRetryAfter"/> fails that call with its answer, and
/// every other call of the client fails fast (<see cref="RejectionReason.ServerCoolDown"/>) until that time.
/// </para>
/// <para>Everything is guarded by one lock and driven by one timer; a caller that gets through at once allocates nothing.</para>
/// </remarks>
public sealed class ClientThrottle : IDisposable
{
    /// <summary>A call admitted without any rate limit to record.</summary>
    internal const long Unrecorded = long.MinValue;

    /// <summary>A call granted its turn whose start is not dated yet: <see cref="Invoked"/> dates it.</summary>
    internal const long Undated = long.MinValue + 1;

    // Stands for "now" where nothing needed the clock (see ReadClock); earlier than every tick, so nothing is due at it.
    private const long Unread = long.MinValue;

    private readonly object _sync = new();
    private readonly Clock _clock;
    private readonly int _slotLimit;
    private readonly int _queueLimit;
    private readonly TimeSpan? _maxWait;
    private readonly PermitLedger[] _ledgers;
    private readonly List<MethodStage> _stages = new();
    private readonly Dictionary<string, CallGate> _gates = new(StringComparer.Ordinal);
    private readonly UndatedStarts _undated = new();
    private readonly AdmissionPool _admissions = new();

    // Under overload every refused call would log a warning; one report per interval says the same.
    private readonly RejectionLogGate _rejectionLogs = new(TimeSpan.FromSeconds(10).Ticks);
    private readonly long _recordingCap;
    private readonly ThrottlingMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly Random _random = new();
    private int _slotsInUse;
    private int _inFlight;
    private int _waiting;
    private long _sequence;
    private long _coolDownUntil = long.MinValue;
    private long _refusedUntil = long.MinValue;
    private TimeSpan _refusedFor;
    private ITimer? _timer;
    private long _timerDue = long.MaxValue;
    private bool _disposed;
    private bool _hasLedgers;

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
        _recordingCap = policy.RecordingDelayCap.Ticks;
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

    /// <summary>The gate of methods that add nothing to the client's policy; generated code calls through it.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
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
    [EditorBrowsable(EditorBrowsableState.Never)]
    public CallGate Gate(string methodKey)
    {
        if (Policy.FindMethod(methodKey) is not { } method)
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
            foreach (WaiterQueue<Admission> queue in _stages.Select(s => s.Queue))
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
            admission.Fail(new ObjectDisposedException(nameof(ClientThrottle), $"The throttle of {Name} was disposed while calls waited."));
        }
    }

    /// <inheritdoc />
    public override string ToString() => Scope is null ? Policy.ToString() : $"{Policy} (scope {Scope})";

    /// <summary>Admits a call at once when nobody waits and every limit allows it; allocates nothing.</summary>
    /// <param name="stage">The call's method stage.</param>
    /// <param name="ticket">Names the call's start, to hand back to <see cref="Exit"/>; the caller invokes the call at once.</param>
    internal bool TryEnter(MethodStage stage, out long ticket)
    {
        // Read without the lock: when callers already wait, this one would queue anyway, and EnterAsync decides again
        // under the lock, so a stale read costs at most the slower path. Under contention it saves a lock round.
        if (Volatile.Read(ref _waiting) != 0)
        {
            ticket = Unrecorded;
            return false;
        }

        lock (_sync)
        {
            return TryEnterNow(stage, out ticket);
        }
    }

    /// <summary>Waits for the call's turn: a slot, its method's limits and the client's, and no cool-down.</summary>
    /// <returns>What to hand to <see cref="Invoked"/> right before the call is invoked; awaited once.</returns>
    internal ValueTask<long> EnterAsync(MethodStage stage, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Admission? admission = null;
        bool grantedAtOnce = false;
        RejectionReason rejection = RejectionReason.QueueFull;
        lock (_sync)
        {
            ThrowIfDisposed();
            if (TryEnterNow(stage, out long ticket))
            {
                return new ValueTask<long>(ticket);
            }

            long now = ReadClock();
            if (now < _refusedUntil)
            {
                rejection = RejectionReason.ServerCoolDown;
            }
            else if (_waiting < _queueLimit)
            {
                admission = _admissions.Rent() ?? new Admission(this);
                admission.Begin(stage, now, _sequence++);
                stage.Queue.Enqueue(admission);
                _waiting++;

                // With every slot taken nobody can start before an Exit, and Exit pumps.
                if (_slotsInUse < _slotLimit)
                {
                    Pump(now);
                }

                grantedAtOnce = admission.IsDone;
                if (!grantedAtOnce)
                {
                    admission.Publishing();
                }
            }
        }

        if (admission is null)
        {
            throw Reject(rejection);
        }

        if (grantedAtOnce)
        {
            return admission.TakeInline();
        }

        try
        {
            admission.Arm(_maxWait, _clock, cancellationToken);
        }
        catch
        {
            // Not reused: a grant that raced ahead may still publish to it.
            admission.Disarm();
            Withdraw(admission);
            throw;
        }

        return admission.Wait;
    }

    /// <summary>
    /// Dates the start of a call <see cref="EnterAsync"/> admitted, as it is invoked: a queued call is granted under the
    /// lock but invoked later on a pool thread, and only the invocation can reach the server.
    /// </summary>
    /// <returns>Names the call's start, to hand back to <see cref="Exit"/>.</returns>
    internal long Invoked(MethodStage stage, long entered)
    {
        if (entered != Undated)
        {
            return entered;
        }

        lock (_sync)
        {
            long now = _clock.Now();
            long ticket = AwaitDating(stage, now);

            // Waiters blocked on this reservation could not name a wake-up time; its cap is one.
            if (_waiting > 0 && !_disposed)
            {
                Pump(now);
            }

            return ticket;
        }
    }

    /// <summary>
    /// Ends a call that <see cref="TryEnter"/> or <see cref="EnterAsync"/> admitted: dates its start at its response
    /// unless its recording cap came first, and frees its slot.
    /// </summary>
    internal void Exit(MethodStage stage, long ticket)
    {
        lock (_sync)
        {
            _slotsInUse--;
            _inFlight--;
            if (ticket == Unrecorded && (_waiting == 0 || _disposed))
            {
                return;
            }

            long now = ReadClock();
            if (ticket == Undated)
            {
                Commit(stage, now);
            }
            else if (ticket != Unrecorded && _undated.TryTake(ticket, out long dueAt))
            {
                Commit(stage, Math.Min(now, dueAt));
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
    /// <param name="retryAt">The clock tick the retry waits for, to hand to <see cref="DelayUntilAsync"/>.</param>
    /// <returns>False when the call should end with the server's answer.</returns>
    internal bool ShouldRetry(BackoffPolicy backoff, int retry, RetryAfter retryAfter, out long retryAt)
    {
        _metrics?.ServerThrottled(Name);
        ThrottlingLog.ServerThrottled(_logger, Name, retryAfter);
        TimeSpan? serverDelay = retryAfter.Resolve(_clock.Time.GetUtcNow());
        if (serverDelay > backoff.MaxRetryAfter)
        {
            ThrottlingLog.RetryAfterTooLong(_logger, Name, serverDelay.Value, backoff.MaxRetryAfter);
            Refuse(serverDelay.Value);
            retryAt = long.MinValue;
            return false;
        }

        TimeSpan delay;
        lock (_sync)
        {
            delay = serverDelay ?? backoff.ComputeDelay(retry, _random.NextDouble());
        }

        retryAt = CoolDown(delay, retryAfter);
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

    /// <summary>Leaves the queue early (cancelled, or <paramref name="reason"/>); a waiter holds nothing to give back.</summary>
    internal void Abandon(Admission admission, RejectionReason? reason)
    {
        lock (_sync)
        {
            if (!Dequeue(admission))
            {
                return;
            }
        }

        if (reason is { } rejection)
        {
            admission.Fail(Reject(rejection));
        }
        else
        {
            admission.Cancel();
        }
    }

    /// <summary>Keeps an admission whose caller has read its result, for the next call that has to wait.</summary>
    internal void Recycle(Admission admission) => _admissions.Return(admission);

    // Under _sync: takes a waiter out of its queue; false when it was granted (or removed) already.
    private bool Dequeue(Admission admission)
    {
        if (admission.Queue is not { } queue || !queue.Remove(admission))
        {
            return false;
        }

        _waiting--;
        Pump(ReadClock());
        return true;
    }

    // EnterAsync could not arm the wait: the waiter leaves, and a grant that raced ahead is given back whole.
    private void Withdraw(Admission admission)
    {
        lock (_sync)
        {
            if (Dequeue(admission) || !admission.IsGranted)
            {
                return;
            }

            long now = _clock.Now();
            _slotsInUse--;
            _inFlight--;
            if (admission.Result != Unrecorded)
            {
                Unreserve(admission.Stage, now);
            }

            Pump(now);
        }
    }

    private PermitLedger[] CreateLedgers(IReadOnlyList<RateLimitPolicy> limits)
    {
        long now = _clock.Now();
        return limits.Select(l => PermitLedger.Create(l, _clock, now)).ToArray();
    }

    private MethodStage AddStage(PermitLedger[] ledgers)
    {
        _hasLedgers |= ledgers.Length != 0 || _ledgers.Length != 0;
        var stage = new MethodStage(ledgers);
        _stages.Add(stage);
        return stage;
    }

    // Under _sync. Slot and permits are taken now; the start is dated by Exit or by its cap.
    private bool TryEnterNow(MethodStage stage, out long ticket)
    {
        ticket = Unrecorded;
        if (_slotsInUse >= _slotLimit || _waiting != 0 || _disposed)
        {
            return false;
        }

        bool recorded = IsRecorded(stage);
        if (recorded || _coolDownUntil != long.MinValue || _refusedUntil != long.MinValue)
        {
            long now = _clock.Now();
            if (now < _coolDownUntil || now < _refusedUntil)
            {
                return false;
            }

            DateDueStarts(now);
            if (PermitLedger.ReadyAtAll(stage.Ledgers, now, 1) > now || PermitLedger.ReadyAtAll(_ledgers, now, 1) > now)
            {
                return false;
            }

            if (recorded)
            {
                Reserve(stage, now);
                ticket = AwaitDating(stage, now);
            }
        }

        _slotsInUse++;
        _inFlight++;
        return true;
    }

    // Under _sync: grants waiters while a slot is free and the client may start, the earliest arrival first among those
    // whose method limits allow them; then sets the timer for the earliest moment another could start.
    private void Pump(long now)
    {
        DateDueStarts(now);
        if (now < _refusedUntil)
        {
            RejectAllWaiting(RejectionReason.ServerCoolDown);
            ArmTimer(now, long.MaxValue);
            return;
        }

        long wake = long.MaxValue;
        while (_waiting > 0 && _slotsInUse < _slotLimit)
        {
            long clientReadyAt = Math.Max(_coolDownUntil, PermitLedger.ReadyAtAll(_ledgers, now, 1));
            if (clientReadyAt > now)
            {
                wake = Math.Min(wake, clientReadyAt);
                break;
            }

            Admission? next = null;
            foreach (MethodStage stage in _stages)
            {
                if (stage.Queue.Head is not Admission head || (next is not null && head.Sequence > next.Sequence))
                {
                    continue;
                }

                long readyAt = PermitLedger.ReadyAtAll(stage.Ledgers, now, 1);
                if (readyAt <= now)
                {
                    next = head;
                }
                else
                {
                    wake = Math.Min(wake, readyAt);
                }
            }

            if (next is null)
            {
                break;
            }

            Grant(next, now);
        }

        // A start dated at its cap can free a permit: wake then too (PermitLedger.Unknown means exactly that).
        if (_waiting > 0)
        {
            wake = Math.Min(wake, _undated.NextDue);
        }

        ArmTimer(now, wake == PermitLedger.Unknown ? long.MaxValue : wake);
    }

    // Under _sync.
    private void Grant(Admission admission, long now)
    {
        admission.Stage.Queue.Remove(admission);
        bool recorded = IsRecorded(admission.Stage);
        if (recorded)
        {
            Reserve(admission.Stage, now);
        }

        _waiting--;
        _slotsInUse++;
        _inFlight++;
        if (now != Unread && admission.EnqueuedAt != Unread)
        {
            _metrics?.Waited(Name, TimeSpan.FromTicks(now - admission.EnqueuedAt));
        }

        admission.Grant(recorded ? Undated : Unrecorded);
    }

    // Under _sync: starts whose cap has passed are dated at their cap, whether or not their calls still run.
    private void DateDueStarts(long now)
    {
        while (_undated.TryTakeDue(now, out MethodStage stage, out long dueAt))
        {
            Commit(stage, dueAt);
        }
    }

    private void Reserve(MethodStage stage, long now)
    {
        PermitLedger.ReserveOneInEach(stage.Ledgers, now);
        PermitLedger.ReserveOneInEach(_ledgers, now);
    }

    private void Unreserve(MethodStage stage, long now)
    {
        PermitLedger.UnreserveOneInEach(stage.Ledgers, now);
        PermitLedger.UnreserveOneInEach(_ledgers, now);
    }

    // Under _sync: now, or Unread when nothing the lock is held for needs it. A slots-only client whose waits nobody
    // times never reads the clock: under contention the read (~30 ns) was a fair part of the time the lock is held.
    private long ReadClock()
        => _hasLedgers || _maxWait is not null || _coolDownUntil != long.MinValue || _refusedUntil != long.MinValue || _metrics?.MeasuresWaits == true
            ? _clock.Now()
            : Unread;

    // A call starts against rate limits when its method or its client has any.
    private bool IsRecorded(MethodStage stage) => stage.Ledgers.Length != 0 || _ledgers.Length != 0;

    // Under _sync: the call is invoked now, so its start must be dated by now + cap.
    private long AwaitDating(MethodStage stage, long now) => _undated.Add(Saturate(now, _recordingCap), stage);

    private void Commit(MethodStage stage, long at)
    {
        PermitLedger.CommitOneInEach(stage.Ledgers, at);
        PermitLedger.CommitOneInEach(_ledgers, at);
    }

    // Under _sync.
    private void RejectAllWaiting(RejectionReason reason)
    {
        foreach (MethodStage stage in _stages)
        {
            while (stage.Queue.Head is Admission head)
            {
                stage.Queue.Remove(head);
                _waiting--;
                head.Fail(Reject(reason));
            }
        }
    }

    private static long Saturate(long tick, long add) => add >= long.MaxValue - tick ? long.MaxValue : tick + add;

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

    // Returns the end of this cool-down, which a longer one already under way may outlast.
    private long CoolDown(TimeSpan duration, RetryAfter retryAfter)
    {
        long until;
        lock (_sync)
        {
            long now = _clock.Now();
            until = Saturate(now, duration.Ticks);
            if (duration <= TimeSpan.Zero || until <= _coolDownUntil)
            {
                return until;
            }

            _coolDownUntil = until;
            if (_waiting > 0 && !_disposed)
            {
                Pump(now);
            }
        }

        _metrics?.CooledDown(Name);
        ThrottlingLog.CoolDownStarted(_logger, Name, duration, retryAfter.IsSpecified);
        return until;
    }

    // The server asked for longer than MaxRetryAfter: nobody is sent into it until its time has passed.
    private void Refuse(TimeSpan duration)
    {
        lock (_sync)
        {
            long now = _clock.Now();
            long until = Saturate(now, duration.Ticks);
            if (until <= _refusedUntil)
            {
                return;
            }

            _refusedUntil = until;
            _refusedFor = duration;
            if (_waiting > 0 && !_disposed)
            {
                Pump(now);
            }
        }
    }

    private ThrottlingRejectedException Reject(RejectionReason reason)
    {
        _metrics?.Rejected(Name, reason);
        string detail = reason switch
        {
            RejectionReason.QueueFull => $"{Plural(_waiting, "caller already waits", "callers already wait")} for their turn under {DescribeLimits()}, and its QueueLimit is {_queueLimit}.",
            RejectionReason.ServerCoolDown => $"the server asked it to wait {Duration.Describe(_refusedFor)} (Retry-After), longer than MaxRetryAfter, so no call is sent before {RefusedUntilUtc()}.",
            _ => $"it waited {Duration.Describe(_maxWait ?? TimeSpan.Zero)} (MaxWait) for its turn under {DescribeLimits()}.",
        };
        if (_logger.IsEnabled(LogLevel.Warning) && _rejectionLogs.ShouldLog(_clock.Now(), out int suppressed))
        {
            ThrottlingLog.Rejected(_logger, Name, detail, suppressed);
        }

        return new ThrottlingRejectedException(Name, reason, $"{Name} rejected the call: {detail}");
    }

    private string RefusedUntilUtc()
    {
        long left = _refusedUntil - _clock.Now();
        DateTimeOffset utcNow = _clock.Time.GetUtcNow();
        return left >= (DateTimeOffset.MaxValue - utcNow).Ticks
            ? "the end of time"
            : (utcNow + TimeSpan.FromTicks(Math.Max(left, 0))).ToString("u", System.Globalization.CultureInfo.InvariantCulture);
    }

    private string DescribeLimits()
    {
        IEnumerable<string> parts = Policy.RateLimits.Select(l => l.ToString());
        if (Policy.Slots is { } slots)
        {
            parts = parts.Prepend(Plural(slots.Count, "slot", "slots"));
        }

        return string.Join(", ", parts);
    }

    private static string Plural(int count, string one, string many)
        => count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + (count == 1 ? one : many);

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw new ObjectDisposedException(nameof(ClientThrottle), $"The throttle of {Name} was disposed.");
        }
    }
}
