using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Throttling;

/// <summary>
/// A budget kept in this process: its slots, its rate limits and its cool-down, shared by every instance of the client
/// that uses it.
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
/// A response that carries the server's count (its rate-limit headers) says the start reached it: that start is dated
/// at its invocation plus the time its answer took beyond the quickest one, plus a fiftieth of its shortest window, so a
/// client that reads headers runs at about 98% of its limits whatever its calls' length. The server's count then paces
/// the client only where it leaves fewer starts than the client's own limits (<see cref="ServerQuotaPacer"/>): others
/// share the account, or the server is stricter.
/// </para>
/// <para>
/// A limit counted in units (<see cref="RateLimitPolicy.Unit"/>) is charged each call's cost: reserved when the call is
/// granted, all its limits together, and settled when its result reports what it really cost (<see cref="Settle"/>),
/// at the date its start has or will have. The client's limits take waiters strictly in order, so a large cost is never
/// overtaken by smaller ones. An answer's token count paces the limits counted in tokens (<see cref="TokenQuotaPacing"/>).
/// </para>
/// <para>
/// A server that asks for a wait beyond <see cref="BackoffPolicy.MaxRetryAfter"/> fails that call with its answer, and
/// every other call of the client fails fast (<see cref="RejectionReason.ServerCoolDown"/>) until that time.
/// </para>
/// <para>Everything is guarded by one lock and driven by one timer; a caller that gets through at once allocates nothing.</para>
/// </remarks>
internal sealed class LocalBudgetStore : BudgetStore
{
    // Stands for "now" where nothing needed the clock (see ReadClock); earlier than every tick, so nothing is due at it.
    private const long Unread = long.MinValue;

    private readonly object _sync = new();
    private readonly Clock _clock;
    private readonly AdaptiveSlotLimit? _adaptive;
    private int _slotLimit;
    private readonly int _queueLimit;
    private readonly TimeSpan? _maxWait;
    private readonly PermitLedger[] _declaredLedgers;
    private readonly ServerQuotaPacer _serverQuota = new();
    private readonly CountedDating _counted = new();
    private PermitLedger[] _ledgers;
    private readonly List<MethodStage> _stages = new();
    private readonly UndatedStarts _undated = new();

    // Starts of calls with a weighted limit that were dated before their calls ended, by ticket: the date a settlement
    // corrects, and what the answer's token count is compared with. Emptied by Exit.
    private readonly Dictionary<long, (long At, UndatedStart Start)> _datedBeforeExit = new();
    private readonly TokenQuotaPacing _tokens;
    private readonly AdmissionPool _admissions = new();

    private readonly long _recordingCap;
    private readonly ThrottlingMetrics? _metrics;
    private readonly ILogger _logger;
    private int _slotsInUse;
    private int _inFlight;
    private int _waiting;
    private long _starts;

    // Whether an answer has carried the server's count: from then on each start notes what the client's limits left.
    private bool _heardCount;
    private int _reservations;
    private long _sequence;
    private long _coolDownUntil = long.MinValue;
    private long _refusedUntil = long.MinValue;
    private TimeSpan _refusedFor;
    private ITimer? _timer;
    private long _timerDue = long.MaxValue;
    private bool _disposed;
    private bool _hasLedgers;
    private bool _hasWeighted;

    public LocalBudgetStore(ThrottlingPolicy policy, Clock clock, ThrottlingMetrics? metrics, ILogger? logger)
        : base(policy.Name, clock, metrics, logger ?? NullLogger.Instance)
    {
        Policy = policy;
        _clock = clock;
        _adaptive = policy.Slots is { Adaptive: true } adaptive ? new AdaptiveSlotLimit(adaptive.Count, adaptive.MinSlots) : null;
        _slotLimit = _adaptive?.Current ?? policy.Slots?.Count ?? int.MaxValue;
        _queueLimit = policy.Slots?.QueueLimit ?? int.MaxValue;
        _maxWait = policy.Slots?.MaxWait;
        _declaredLedgers = CreateLedgers(policy.RateLimits);
        _ledgers = _declaredLedgers;
        _hasWeighted = _declaredLedgers.Any(l => l.Policy.IsWeighted);
        _tokens = new TokenQuotaPacing(_declaredLedgers);
        _recordingCap = policy.RecordingDelayCap.Ticks;
        _metrics = metrics;
        _logger = logger ?? NullLogger.Instance;
    }

    public override string Kind => "local";

    public override long Starts => Volatile.Read(ref _starts);

    public override int SlotLimit => Volatile.Read(ref _slotLimit);

    public override bool IsAdaptive => _adaptive is not null;

    public override void CallEnded(long sentAt, CallOutcome outcome)
    {
        lock (_sync)
        {
            long now = _clock.Now();
            if (_adaptive is null || !_adaptive.OnCallEnded(now, now - sentAt, outcome, saturated: _slotsInUse >= _slotLimit))
            {
                return;
            }

            _slotLimit = _adaptive.Current;
            if (_waiting > 0 && !_disposed)
            {
                Pump(now);
            }
        }
    }

    private ThrottlingPolicy Policy { get; }

    private string Name => Policy.Name;

    public override int InFlight
    {
        get
        {
            lock (_sync)
            {
                return _inFlight;
            }
        }
    }

    public override int Waiting
    {
        get
        {
            lock (_sync)
            {
                return _waiting;
            }
        }
    }

    public override TimeSpan CoolDownRemaining
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

    public override MethodStage AddStage(string methodKey, IReadOnlyList<RateLimitPolicy> limits)
    {
        lock (_sync)
        {
            PermitLedger[] ledgers = CreateLedgers(limits);
            _hasLedgers |= ledgers.Length != 0 || _ledgers.Length != 0;
            _hasWeighted |= ledgers.Any(l => l.Policy.IsWeighted);
            var stage = new MethodStage(ledgers, _stages.Count);
            _stages.Add(stage);
            return stage;
        }
    }

    /// <summary>
    /// Counts a call admitted elsewhere (by a shared budget, before an outage) as running here, so that the slots it holds
    /// are not handed out twice; its <see cref="Exit"/> with <see cref="BudgetStore.Unrecorded"/> frees the slot.
    /// </summary>
    internal void Occupy()
    {
        lock (_sync)
        {
            _slotsInUse++;
            _inFlight++;
        }
    }

    /// <summary>
    /// Records a start of <paramref name="cost"/> made elsewhere at <paramref name="at"/> (no later than now) against the
    /// stage's limits and the client's.
    /// </summary>
    internal void RecordStart(MethodStage stage, long at, int cost)
    {
        lock (_sync)
        {
            long now = _clock.Now();
            Reserve(stage, now, cost);
            Commit(stage, Math.Min(at, now), cost);
        }
    }

    public override void Dispose()
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

    public override bool TryEnter(MethodStage stage, int cost, out long ticket)
    {
        // Read without the lock: when callers already wait, this one would queue anyway, and Enter decides again
        // under the lock, so a stale read costs at most the slower path. Under contention it saves a lock round.
        if (Volatile.Read(ref _waiting) != 0)
        {
            ticket = Unrecorded;
            return false;
        }

        lock (_sync)
        {
            return TryEnterNow(stage, cost, out ticket);
        }
    }

    public override Turn Enter(MethodStage stage, int cost, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Admission? admission = null;
        bool grantedAtOnce = false;
        RejectionReason rejection = RejectionReason.QueueFull;
        lock (_sync)
        {
            ThrowIfDisposed();
            if (TryEnterNow(stage, cost, out long ticket))
            {
                return Turn.Now(ticket);
            }

            long now = ReadClock();
            if (now < _refusedUntil)
            {
                rejection = RejectionReason.ServerCoolDown;
            }
            else if (_waiting < _queueLimit)
            {
                admission = _admissions.Rent() ?? new Admission(this);
                admission.Begin(stage, cost, now, _sequence++);
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

    // A queued call is granted under the lock but invoked later on a pool thread, and only the invocation can reach the
    // server: its start is dated from here.
    public override long Invoked(MethodStage stage, long entered, int cost)
    {
        if (entered != Undated)
        {
            return entered;
        }

        lock (_sync)
        {
            long now = _clock.Now();
            long ticket = AwaitDating(stage, now, cost);

            // Waiters blocked on this reservation could not name a wake-up time; its cap is one.
            if (_waiting > 0 && !_disposed)
            {
                Pump(now);
            }

            return ticket;
        }
    }

    // Dates the call's start at its response unless its recording cap came first, and frees its slot.
    public override void Exit(MethodStage stage, long ticket, int cost)
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
                Commit(stage, now, cost);
            }
            else if (ticket != Unrecorded && _undated.TryTake(ticket, out UndatedStart start))
            {
                Commit(stage, Math.Min(now, start.DueAt), start.Cost);
            }
            else if (_hasWeighted)
            {
                _datedBeforeExit.Remove(ticket);
            }

            if (_waiting > 0 && !_disposed)
            {
                Pump(now);
            }
        }
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

    // Enter could not arm the wait: the waiter leaves, and a grant that raced ahead is given back whole.
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
                Unreserve(admission.Stage, now, admission.Cost);
            }

            Pump(now);
        }
    }

    private PermitLedger[] CreateLedgers(IReadOnlyList<RateLimitPolicy> limits)
    {
        long now = _clock.Now();
        return limits.Select(l => PermitLedger.Create(l, _clock, now)).ToArray();
    }

    // Under _sync. Slot and permits are taken now; the start is dated by Exit or by its cap.
    private bool TryEnterNow(MethodStage stage, int cost, out long ticket)
    {
        ticket = Unrecorded;
        if (_slotsInUse >= _slotLimit || _waiting != 0 || _disposed)
        {
            return false;
        }

        bool recorded = IsRecorded(stage);
        if (recorded || _coolDownUntil != long.MinValue || _refusedUntil != long.MinValue || _serverQuota.ResetAt != long.MinValue)
        {
            long now = _clock.Now();
            if (now < _coolDownUntil || now < _refusedUntil || _serverQuota.ReadyAt(_starts, now) > now || _tokens.ReadyAt(cost, now) > now)
            {
                return false;
            }

            DateDueStarts(now);
            if (PermitLedger.ReadyAtAllFor(stage.Ledgers, now, cost) > now || PermitLedger.ReadyAtAllFor(_ledgers, now, cost) > now)
            {
                return false;
            }

            if (recorded)
            {
                Reserve(stage, now, cost);
                ticket = AwaitDating(stage, now, cost);
            }
        }

        _slotsInUse++;
        _inFlight++;
        _starts++;
        return true;
    }

    // Under _sync: grants waiters while a slot is free and the client may start, the earliest arrival first among those
    // whose method limits allow them; then sets the timer for the earliest moment another could start. The client's
    // limits are strict FIFO: when they cannot take that waiter's cost yet, nobody behind it passes, so a large cost is
    // never starved by small ones (it waits at most for its limit's window, or its MaxWait).
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
            long clientReadyAt = Math.Max(_coolDownUntil, _serverQuota.ReadyAt(_starts, now));
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

                long readyAt = PermitLedger.ReadyAtAllFor(stage.Ledgers, now, head.Cost);
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

            long limitsReadyAt = Math.Max(PermitLedger.ReadyAtAllFor(_ledgers, now, next.Cost), _tokens.ReadyAt(next.Cost, now));
            if (limitsReadyAt > now)
            {
                wake = Math.Min(wake, limitsReadyAt);
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
            Reserve(admission.Stage, now, admission.Cost);
        }

        _waiting--;
        _slotsInUse++;
        _inFlight++;
        _starts++;
        if (now != Unread && admission.EnqueuedAt != Unread)
        {
            _metrics?.Waited(Name, Kind, TimeSpan.FromTicks(now - admission.EnqueuedAt));
        }

        admission.Grant(recorded ? Undated : Unrecorded);
    }

    // Under _sync: starts whose cap has passed are dated at their cap, whether or not their calls still run.
    private void DateDueStarts(long now)
    {
        while (_undated.TryTakeDue(now, out MethodStage stage, out long ticket, out UndatedStart start))
        {
            Commit(stage, start.DueAt, start.Cost);
            NoteDated(ticket, start.DueAt, start);
        }
    }

    // Under _sync: a call with a weighted limit may still settle its cost against the date its start got.
    private void NoteDated(long ticket, long at, UndatedStart start)
    {
        if (_hasWeighted)
        {
            _datedBeforeExit[ticket] = (at, start);
        }
    }

    private void Reserve(MethodStage stage, long now, int cost)
    {
        PermitLedger.ReserveInEach(stage.Ledgers, now, cost);
        PermitLedger.ReserveInEach(_ledgers, now, cost);
        _tokens.Charge(cost);
        _reservations++;
    }

    private void Unreserve(MethodStage stage, long now, int cost)
    {
        PermitLedger.UnreserveInEach(stage.Ledgers, now, cost);
        PermitLedger.UnreserveInEach(_ledgers, now, cost);
        _tokens.Charge(-cost);
        _reservations--;
    }

    // Under _sync: now, or Unread when nothing the lock is held for needs it. A slots-only client whose waits nobody
    // times never reads the clock: under contention the read (~30 ns) was a fair part of the time the lock is held.
    private long ReadClock()
        => _hasLedgers || _maxWait is not null || _coolDownUntil != long.MinValue || _refusedUntil != long.MinValue
            || _serverQuota.ResetAt != long.MinValue || _tokens.ResetAt != long.MinValue || _metrics?.MeasuresWaits == true
            ? _clock.Now()
            : Unread;

    // A call starts against rate limits when its method or its client has any.
    private bool IsRecorded(MethodStage stage) => stage.Ledgers.Length != 0 || _ledgers.Length != 0;

    // Under _sync: the call is invoked now, so its start must be dated by now + cap.
    private long AwaitDating(MethodStage stage, long now, int cost)
    {
        (long tokensMark, int ownTokensLeft) = _tokens.IsActive ? _tokens.Mark(now) : (0, int.MaxValue);
        var start = new UndatedStart(now, Clock.Later(now, _recordingCap), _counted.QuickestAnswer, _heardCount ? OwnLeft(now) : int.MaxValue, cost, tokensMark, ownTokensLeft);
        return _undated.Add(start, stage);
    }

    private void Commit(MethodStage stage, long at, int cost)
    {
        PermitLedger.CommitInEach(stage.Ledgers, at, cost);
        PermitLedger.CommitInEach(_ledgers, at, cost);
        _reservations--;
    }

    // The start still holds its reservation: the reservation moves to the real cost. Dated already: its record does.
    public override void Settle(MethodStage stage, long ticket, int reserved, int actual)
    {
        lock (_sync)
        {
            long now = _clock.Now();
            long at = PermitLedger.Unknown;
            if (_undated.TrySettle(ticket, actual, out int held))
            {
                reserved = held;
            }
            else if (_datedBeforeExit.TryGetValue(ticket, out (long At, UndatedStart Start) dated))
            {
                at = dated.At;
            }
            else
            {
                return;
            }

            PermitLedger.SettleInEach(stage.Ledgers, at, now, reserved, actual);
            PermitLedger.SettleInEach(_ledgers, at, now, reserved, actual);
            _tokens.Charge(actual - reserved);
            if (actual < reserved && _waiting > 0 && !_disposed)
            {
                Pump(now);
            }
        }
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

        _timer ??= _clock.Time.CreateTimer(static state => ((LocalBudgetStore)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
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

    public override long CoolDown(TimeSpan duration, RetryAfter retryAfter)
    {
        long until;
        lock (_sync)
        {
            long now = _clock.Now();
            until = Clock.Later(now, duration.Ticks);
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

        _metrics?.CooledDown(Name, Kind);
        ThrottlingLog.CoolDownStarted(_logger, Name, duration, retryAfter.IsSpecified);
        return until;
    }

    public override void Refuse(TimeSpan duration)
    {
        lock (_sync)
        {
            long now = _clock.Now();
            long until = Clock.Later(now, duration.Ticks);
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

    public override void ServerSaid(long mark, MethodStage stage, long ticket, ServerLimits limits)
    {
        lock (_sync)
        {
            long now = _clock.Now();
            UndatedStart start = default;

            // Learned first, so that a new ledger takes this call's reservation too and counts in the comparison.
            bool changed = Learn(limits.Policies, now);
            if (limits.Tokens is { } tokens && _tokens.IsActive && StartOf(ticket, out UndatedStart answered))
            {
                changed |= _tokens.Observe(tokens, answered.TokensMark, answered.OwnTokensLeft, now);
            }

            if (limits.Requests is { } quota)
            {
                _heardCount = true;
                bool undated = ticket >= 0 && _undated.TryTake(ticket, out start);
                changed |= ServerIsStricter(mark, quota, undated ? start.OwnLeft : int.MaxValue, now)
                    ? _serverQuota.Observe(mark, quota, now)
                    : _serverQuota.Release();
                if (undated)
                {
                    DateCounted(stage, ticket, start, now);
                }
            }

            if (changed && _waiting > 0 && !_disposed)
            {
                Pump(now);
            }
        }
    }

    // Under _sync: the server counted this start and said so, so it need not wait for its response to be dated
    // (CountedDating); its recording cap still bounds it.
    private void DateCounted(MethodStage stage, long ticket, UndatedStart start, long now)
    {
        long jitter = CountedDating.JitterFor(Math.Min(ShortestWindow(_ledgers), ShortestWindow(stage.Ledgers)));
        long at = Math.Min(start.DueAt, _counted.DateOf(start.InvokedAt, start.QuickestAnswer, now, jitter));
        Commit(stage, at, start.Cost);
        NoteDated(ticket, at, start);
    }

    // Under _sync: what the call of `ticket` noted when it was invoked, dated or not; false once it has exited.
    private bool StartOf(long ticket, out UndatedStart start)
    {
        if (ticket >= 0 && _undated.TryPeek(ticket, out start))
        {
            return true;
        }

        bool dated = _datedBeforeExit.TryGetValue(ticket, out (long At, UndatedStart Start) entry);
        start = entry.Start;
        return dated;
    }

    private static long ShortestWindow(PermitLedger[] ledgers)
    {
        long window = long.MaxValue;
        foreach (PermitLedger ledger in ledgers)
        {
            window = Math.Min(window, ledger.Policy.Window.Ticks);
        }

        return window;
    }

    // Under _sync: whether the server leaves the client fewer starts than its own limits do, comparing the server's count
    // of the answered call with what the client's limits left once it was admitted (OwnLeft). The calls started since
    // may or may not be in the server's count (they reach it in any order), so the server is surely stricter only when
    // even counting them all its `r` falls short. Compared with the limits now instead, the permits that returned since
    // the server counted would make every answer at a window's turn look strict. Where they agree, the client's exact
    // window paces it better than the server's reset, which headers round to whole seconds.
    private bool ServerIsStricter(long mark, ServerQuota quota, int ownLeftAtStart, long now)
        => ownLeftAtStart == int.MaxValue
            ? quota.Remaining < OwnLeft(now)
            : quota.Remaining + (_starts - mark) < ownLeftAtStart;

    // Under _sync: the starts the client's own limits of requests leave now (a server's request count says nothing of tokens).
    private int OwnLeft(long now)
    {
        int left = int.MaxValue;
        foreach (PermitLedger ledger in _ledgers)
        {
            if (!ledger.Policy.IsWeighted)
            {
                left = Math.Min(left, ledger.Available(now));
            }
        }

        return left;
    }

    // Under _sync: the server's declared policies that are stricter than every limit of the attributes become limits of
    // the client's too, until the server declares others; a looser one adds nothing. A new ledger takes the
    // reservations of the calls under way, so that their commits balance; the server's count paces the starts its
    // ledger has not seen (ServerQuotaPacer).
    private bool Learn(List<RateLimitPolicy> declared, long now)
    {
        if (declared.Count == 0)
        {
            return false;
        }

        // The learned ledgers are the ones after the declared ledgers.
        RateLimitPolicy[] stricter = RateLimitPolicy.StricterThanAll(declared, Policy.RateLimits);
        RateLimitPolicy[] current = _ledgers.Skip(_declaredLedgers.Length).Select(l => l.Policy).ToArray();
        if (RateLimitPolicy.SetSameLimits(stricter, current))
        {
            return false;
        }

        PermitLedger[] learned = CreateLedgers(stricter);
        foreach (PermitLedger ledger in learned)
        {
            ledger.Reserve(now, _reservations);
        }

        _ledgers = _declaredLedgers.Concat(learned).ToArray();
        _hasLedgers = true;
        ThrottlingLog.ServerLimitsLearned(_logger, Name, string.Join(", ", stricter.Select(p => p.ToString())));
        return true;
    }

    public override string ToString() => Policy.ToString();

    private ThrottlingRejectedException Reject(RejectionReason reason) => Rejection(reason, reason switch
    {
        RejectionReason.QueueFull => $"{Plural(_waiting, "caller already waits", "callers already wait")} for their turn under {DescribeLimits()}, and its QueueLimit is {_queueLimit}.",
        RejectionReason.ServerCoolDown => $"the server asked it to wait {Duration.Describe(_refusedFor)} (Retry-After), longer than MaxRetryAfter, so no call is sent before {RefusedUntilUtc()}.",
        _ => $"it waited {Duration.Describe(_maxWait ?? TimeSpan.Zero)} (MaxWait) for its turn under {DescribeLimits()}.",
    });

    private string RefusedUntilUtc()
    {
        long left = _refusedUntil - _clock.Now();
        DateTimeOffset utcNow = _clock.Time.GetUtcNow();
        return left >= (DateTimeOffset.MaxValue - utcNow).Ticks
            ? "the end of time"
            : (utcNow + TimeSpan.FromTicks(Math.Max(left, 0))).ToString("u", System.Globalization.CultureInfo.InvariantCulture);
    }

    private string DescribeLimits() => Policy.DescribeLimits();

    private static string Plural(int count, string one, string many) => ThrottlingPolicy.Plural(count, one, many);

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw new ObjectDisposedException(nameof(ClientThrottle), $"The throttle of {Name} was disposed.");
        }
    }
}
