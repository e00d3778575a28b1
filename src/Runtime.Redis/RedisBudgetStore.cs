using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Throttling.Redis;

/// <summary>
/// A budget shared by every process through Redis: one script call takes a slot lease and a permit of every limit, all
/// or nothing, on the Redis server's clock; another frees the lease and dates the start when the call ends.
/// </summary>
/// <remarks>
/// <para>
/// Waiting is local: the calls of this process queue here, first come first served, and one pump asks Redis for the
/// turns of the head and of up to <see cref="MaxBatch"/> - 1 waiters of its stage behind it. When Redis says no it says
/// how long; the pump sleeps that long, or until a slot frees anywhere (a pub/sub message), and at most a second, so a
/// lost message costs a second, never a stream of polls. Those sleeps are on the real clock, as Redis's is; MaxWait
/// and cool-downs are on the registry's.
/// </para>
/// <para>
/// A start is counted from its grant, scored at its latest possible date (grant + RecordingDelayCap), and the release
/// that frees the slot moves it to the response: the dating rides on a round trip the call pays anyway. Running calls
/// renew their leases every third of the lease, in one round trip for all of them.
/// </para>
/// <para>
/// While Redis does not answer, calls go on as <see cref="RedisBudgetOptions.OnUnavailable"/> says. With the local
/// share, the starts it made are written into the shared ledgers when Redis answers again, so the processes do not
/// grant them twice.
/// </para>
/// </remarks>
internal sealed class RedisBudgetStore : BudgetStore
{
    // The longest the pump sleeps without looking again: the fallback for a pub/sub message lost in a reconnect.
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(1);

    // The most waiters one acquire asks for: enough to keep up with thousands of starts a second, few enough that the
    // script stays short (Redis runs nothing else meanwhile).
    private const int MaxBatch = 32;

    private readonly RedisBudgets _budgets;
    private readonly ThrottlingPolicy _policy;
    private readonly Clock _clock;
    private readonly ThrottlingMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly ClientKeys _keys;
    private readonly object _sync = new();
    private readonly LinkedList<RedisWaiter> _queue = new();
    private readonly Dictionary<long, RunningCall> _running = new();
    private readonly List<StageScript> _stages = new();
    private readonly List<(string LeaseId, int Stage, long DatedAt, int Cost)> _localStarts = new();

    // The leases of acquires that timed out, which Redis may run once it answers again, with their calls' costs.
    private readonly List<(int Stage, string[] Leases, int[] Costs)> _abandoned = new();

    // This process's starts in the shared budget within the longest window: the local share begins from them, so an
    // outage does not open a fresh window beside the one the server still counts.
    private readonly Queue<(int Stage, long DatedAt, int Cost)> _recentStarts = new();
    private readonly ITimer _renewal;

    private readonly int _slots;

    // The policies the server declared that are stricter than the attributes: shared limits of every process, which
    // each learns from the client's hash (`p`, see acquire.lua) or from its own answers.
    private RateLimitPolicy[] _learned = [];
    private string _learnedText = string.Empty;
    private readonly CountedDating _counted = new();
    private readonly AdaptiveSlotLimit? _adaptive;
    private int _slotLimit;
    private readonly int _queueLimit;
    private readonly long _leaseMicros;
    private readonly long _capMicros;
    private readonly long _longestWindow;
    private TaskCompletionSource _wake = NewSignal();
    private bool _pumping;
    private bool _blockedClientWide;
    private long _nextTicket;
    private long _coolDownUntil = long.MinValue;
    private long _refusedUntil = long.MinValue;
    private TimeSpan _refusedFor;
    private bool _shared;
    private int _outages;
    private LocalBudgetStore? _fallback;
    private bool _disposed;
    // Whether a limit of the client counts tokens: what a server's token quota paces (the hash's tn, ta and tq).
    private readonly bool _countsTokens;

    public RedisBudgetStore(RedisBudgets budgets, ThrottlingPolicy policy, string? scope, Clock clock, ThrottlingMetrics? metrics, ILogger logger)
        : base(policy.Name, clock, metrics, logger)
    {
        _budgets = budgets;
        _policy = policy;
        _clock = clock;
        _metrics = metrics;
        _logger = logger;
        _keys = new ClientKeys(budgets.Options.KeyPrefix, policy.Name, scope);
        _slots = policy.Slots?.Count ?? 0;
        _adaptive = policy.Slots is { Adaptive: true } adaptive ? new AdaptiveSlotLimit(adaptive.Count, adaptive.MinSlots) : null;
        _slotLimit = _adaptive?.Current ?? policy.Slots?.Count ?? int.MaxValue;
        _queueLimit = policy.Slots?.QueueLimit ?? int.MaxValue;
        _leaseMicros = budgets.Options.SlotLease.Ticks / 10;
        _capMicros = policy.RecordingDelayCap.Ticks / 10;
        _longestWindow = policy.RateLimits.Concat(policy.Methods.SelectMany(m => m.RateLimits)).Select(l => l.Window.Ticks).DefaultIfEmpty(0).Max();
        _countsTokens = policy.RateLimits.Any(l => l.CountsTokens);
        _shared = budgets.IsAvailable;
        if (!_shared)
        {
            OnUnavailable();
        }

        _budgets.Connection.GetSubscriber().SubscribeAsync(_keys.Freed, (_, _) => Signal()).ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
        _renewal = TimeProvider.System.CreateTimer(static s => _ = ((RedisBudgetStore)s!).RenewAsync(), this, budgets.RenewEvery, budgets.RenewEvery);
    }

    public override int SlotLimit => Volatile.Read(ref _slotLimit);

    public override bool IsAdaptive => _adaptive is not null;

    // Adaptive slots keep one live limit for every process (acquire.lua's `l`): each process moves it by what its own
    // calls say, and follows it where another moved it (see AdaptiveSlotLimit.Follow). Demand beyond the limit, which
    // is what "the slots in use are full" means across processes, shows here as callers waiting in this process.
    public override void CallEnded(long sentAt, CallOutcome outcome)
    {
        int limit;
        lock (_sync)
        {
            long now = _clock.Now();
            if (_adaptive is null || !_adaptive.OnCallEnded(now, now - sentAt, outcome, saturated: _queue.Count > 0))
            {
                return;
            }

            limit = _slotLimit = _adaptive.Current;
        }

        _budgets.Track(ShareSlotLimitAsync(limit));
    }

    public override string Kind => "redis";

    /// <summary>Whether calls go to the shared budget now; false during an outage and while recovering from it.</summary>
    internal bool IsShared
    {
        get
        {
            lock (_sync)
            {
                return _shared;
            }
        }
    }

    /// <summary>Processes sharing the budget, as the last heartbeat counted them: what the local share divides by.</summary>
    internal int LiveProcesses => _budgets.LiveProcesses;

    public override int InFlight
    {
        get
        {
            lock (_sync)
            {
                return _running.Count;
            }
        }
    }

    public override int Waiting
    {
        get
        {
            lock (_sync)
            {
                return _queue.Count + (_fallback?.Waiting ?? 0);
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
            StageScript script = CreateScript(new MethodStage([], _stages.Count), methodKey, limits);
            MethodStage stage = script.Stage;
            _stages.Add(script);
            if (_fallback is not null)
            {
                script.FallbackStage = _fallback.AddStage(methodKey, Share(limits, _budgets.LiveProcesses));
            }

            return stage;
        }
    }

    // Under _sync.
    private StageScript CreateScript(MethodStage stage, string methodKey, IReadOnlyList<RateLimitPolicy> methodLimits)
    {
        RateLimitPolicy[] client = [.. _policy.RateLimits, .. _learned];
        (RedisKey[] keys, RedisValue[] args) = _keys.ForStage(methodKey, client, methodLimits);
        RateLimitPolicy[] all = [.. client, .. methodLimits];
        bool sliding = all.Any(l => l.Kind == RateLimitKind.SlidingWindow);
        long jitter = CountedDating.JitterFor(all.Select(l => l.Window.Ticks).DefaultIfEmpty(long.MaxValue).Min());
        return new StageScript(stage, methodKey, methodLimits, keys, args, sliding, jitter);
    }

    // Every call asks Redis, so none is admitted without a wait.
    public override bool TryEnter(MethodStage stage, int cost, out long ticket)
    {
        ticket = Unrecorded;
        return false;
    }

    // The waits below are tasks or complete, so a Turn takes them apart for nothing.
    public override Turn Enter(MethodStage stage, int cost, CancellationToken cancellationToken) => Turn.Of(EnterAsync(stage, cost, cancellationToken));

    private ValueTask<long> EnterAsync(MethodStage stage, int cost, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        RedisWaiter waiter;
        bool startPump = false;
        lock (_sync)
        {
            ThrowIfDisposed();
            long now = _clock.Now();
            if (now < _refusedUntil)
            {
                throw Reject(RejectionReason.ServerCoolDown);
            }

            if (!_shared)
            {
                return EnterUnshared(stage, cost, cancellationToken);
            }

            if (_queue.Count >= _queueLimit)
            {
                throw Reject(RejectionReason.QueueFull);
            }

            waiter = new RedisWaiter(stage, cost, now);
            _queue.AddLast(waiter.Node);
            if (!_pumping)
            {
                _pumping = startPump = true;
            }
            else if (!_blockedClientWide)
            {
                // The pump waits on other methods' limits; this call's may allow it.
                SignalLocked();
            }
        }

        waiter.Arm(this, _policy.Slots?.MaxWait, _clock, cancellationToken);
        if (startPump)
        {
            _ = PumpAsync();
        }

        return new ValueTask<long>(waiter.Task);
    }

    public override long Invoked(MethodStage stage, long entered, int cost)
    {
        lock (_sync)
        {
            if (_running.TryGetValue(entered, out RunningCall? call))
            {
                call.InvokedAt = _clock.Now();
                call.QuickestAnswer = _counted.QuickestAnswer;
                if (call.AwaitsInvocation)
                {
                    call.AwaitsInvocation = false;
                    call.FallbackTicket = call.Fallback!.Invoked(call.FallbackStage!, call.FallbackEntered, call.Cost);
                }
            }

            return entered;
        }
    }

    public override void Exit(MethodStage stage, long ticket, int cost)
    {
        RunningCall? call;
        lock (_sync)
        {
            if (!_running.Remove(ticket, out call))
            {
                return;
            }

            long now = _clock.Now();
            long datedAt = Math.Min(Math.Min(now, call.CountedAt), Clock.Later(call.InvokedAt, _policy.RecordingDelayCap.Ticks));
            call.DatedAgo = now - datedAt;
            if (call.Fallback is { } fallback)
            {
                fallback.Exit(call.FallbackStage!, call.FallbackTicket, call.Cost);
                if (!call.InRedis)
                {
                    _localStarts.Add((call.LeaseId, stage.Index, datedAt, call.Cost));
                }
            }
            else if (call.InRedis && _longestWindow > 0)
            {
                RememberStart(stage.Index, datedAt, now, call.Cost);
            }
        }

        StageScript script = _stages[stage.Index];
        if (call.InRedis && (_slots > 0 || script.HasSlidingWindow || call.Told is not null || call.ToldTokens is not null))
        {
            _budgets.Track(ReleaseAsync(script, call.LeaseId, call.Cost, call));
        }
    }

    // A call counted in Redis has its log entries rewritten to its real cost (settle.lua); one on the local share settles
    // there. Either way its release and any write-back then carry the real cost.
    public override void Settle(MethodStage stage, long ticket, int reserved, int actual)
    {
        RunningCall? call;
        lock (_sync)
        {
            if (!_running.TryGetValue(ticket, out call) || call.Cost == actual)
            {
                return;
            }

            reserved = call.Cost;
            call.Cost = actual;
            if (call.Fallback is { } fallback && call.FallbackTicket != Unrecorded)
            {
                fallback.Settle(call.FallbackStage!, call.FallbackTicket, reserved, actual);
            }
        }

        if (call.InRedis)
        {
            StageScript script = _stages[stage.Index];
            long age = (_clock.Now() - call.InvokedAt) / 10;
            _budgets.Track(SettleAsync(script, call.LeaseId, reserved, actual, age));
        }
    }

    private async Task SettleAsync(StageScript script, string leaseId, int reserved, int actual, long age)
    {
        try
        {
            await _budgets.RunAsync(RedisScript.Settle, script.Keys, [_budgets.Skew, leaseId, reserved, actual, age, _keys.Freed.ToString(), script.LimitCount, .. script.LimitArgs]).ConfigureAwait(false);
        }
        catch (RedisUnavailableException)
        {
            // The reservation stands: the safe side.
        }

        Signal();
    }

    // What the server said of its request quota binds every process: its release, which follows at once, carries it to
    // Redis, where it is compared with the shared limits (server_said in limits.lua). The call's mark there is its place
    // in every process's starts (RunningCall.Mark), not `mark`, which counts this process's. Policies it declares that are
    // stricter than the attributes become shared limits of every process (Learn).
    public override void ServerSaid(long mark, MethodStage stage, long ticket, ServerLimits limits)
    {
        string? learned = null;
        lock (_sync)
        {
            if (_running.TryGetValue(ticket, out RunningCall? call) && call.InRedis)
            {
                if (limits.Requests is { } quota)
                {
                    call.Told = quota;
                    call.CountedAt = _counted.DateOf(call.InvokedAt, call.QuickestAnswer, _clock.Now(), _stages[stage.Index].Jitter);
                }

                if (limits.Tokens is { } tokens && _countsTokens)
                {
                    call.ToldTokens = tokens;
                }
            }

            if (limits.Policies.Count > 0 && Learn(RateLimitPolicy.StricterThanAll(limits.Policies, _policy.RateLimits)))
            {
                learned = _learnedText;
            }
        }

        if (learned is not null)
        {
            _budgets.Track(ShareLearnedAsync(learned));
        }
    }

    // Under _sync: the server's stricter policies become shared limits of this process's calls, in a ledger of their own
    // in Redis (the calls under way are not in it; the server's count paces them). False when nothing changed.
    private bool Learn(RateLimitPolicy[] stricter)
    {
        if (RateLimitPolicy.SetSameLimits(stricter, _learned))
        {
            return false;
        }

        _learned = stricter;
        _learnedText = string.Join(",", stricter.Select(p => p.Permits.ToString(CultureInfo.InvariantCulture) + "/" + p.Window.Ticks.ToString(CultureInfo.InvariantCulture)));
        for (int i = 0; i < _stages.Count; i++)
        {
            StageScript old = _stages[i];
            StageScript script = CreateScript(old.Stage, old.MethodKey, old.MethodLimits);
            script.FallbackStage = old.FallbackStage;
            _stages[i] = script;
        }

        ThrottlingLog.ServerLimitsLearned(_logger, _policy.Name, string.Join(", ", stricter.Select(p => p.ToString())));
        return true;
    }

    // Another process learned (or dropped) the server's policies: `text` is the client hash's `p`.
    private void FollowLearned(string text)
    {
        lock (_sync)
        {
            if (text == _learnedText)
            {
                return;
            }

            var policies = new List<RateLimitPolicy>();
            foreach (string item in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                string[] parts = item.Split('/');
                if (parts.Length != 2
                    || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int permits) || permits < 1
                    || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long ticks) || ticks < 1)
                {
                    return;
                }

                policies.Add(new RateLimitPolicy(permits, TimeSpan.FromTicks(ticks)));
            }

            Learn(RateLimitPolicy.StricterThanAll(policies, _policy.RateLimits));
        }
    }

    private async Task ShareLearnedAsync(string text)
    {
        try
        {
            await _budgets.RunAsync(RedisScript.Learned, [_keys.CoolDown], [text]).ConfigureAwait(false);
        }
        catch (RedisUnavailableException)
        {
            // The next answer that declares them says it again.
        }
    }

    public override long CoolDown(TimeSpan duration, RetryAfter retryAfter)
    {
        long until;
        lock (_sync)
        {
            until = Clock.Later(_clock.Now(), duration.Ticks);
            if (duration <= TimeSpan.Zero || until <= _coolDownUntil)
            {
                return until;
            }

            _coolDownUntil = until;
            _fallback?.CoolDown(duration, retryAfter);
        }

        _metrics?.CooledDown(_policy.Name, Kind);
        ThrottlingLog.CoolDownStarted(_logger, _policy.Name, duration, retryAfter.IsSpecified);
        _budgets.Track(PauseEverywhereAsync("c", duration));
        return until;
    }

    public override void Refuse(TimeSpan duration)
    {
        if (RefuseHere(duration))
        {
            _budgets.Track(PauseEverywhereAsync("r", duration));
        }
    }

    public override void Dispose()
    {
        RedisWaiter[] abandoned;
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            abandoned = _queue.ToArray();
            _queue.Clear();
            SignalLocked();
        }

        _renewal.Dispose();
        _budgets.Connection.GetSubscriber().UnsubscribeAsync(_keys.Freed).ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
        _fallback?.Dispose();
        foreach (RedisWaiter waiter in abandoned)
        {
            waiter.Fail(new ObjectDisposedException(nameof(ClientThrottle), $"The throttle of {_policy.Name} was disposed while calls waited."));
        }
    }

    public override string ToString() => _policy + " (Redis)";

    /// <summary>Leaves the queue early (cancelled, or <paramref name="reason"/>); a waiter holds nothing to give back.</summary>
    internal void Abandon(RedisWaiter waiter, RejectionReason? reason)
    {
        lock (_sync)
        {
            if (waiter.Node.List is null)
            {
                return;
            }

            _queue.Remove(waiter.Node);
            SignalLocked();
        }

        if (reason is { } rejection)
        {
            waiter.Fail(Reject(rejection));
        }
        else
        {
            waiter.Cancel();
        }
    }

    /// <summary>Redis stopped answering: calls go on as <see cref="RedisBudgetOptions.OnUnavailable"/> says, the waiting ones too.</summary>
    internal void OnUnavailable()
    {
        RedisWaiter[] waiting;
        lock (_sync)
        {
            _shared = false;
            _outages++;
            if (_budgets.Options.OnUnavailable == RedisUnavailableMode.LocalFallback && _fallback is null && !_disposed)
            {
                _fallback = CreateFallback(_budgets.LiveProcesses);
            }

            waiting = _queue.ToArray();
            _queue.Clear();
        }

        foreach (RedisWaiter waiter in waiting)
        {
            _ = ForwardAsync(waiter);
        }
    }

    /// <summary>Redis answers again: the local share's starts are written into the shared ledgers, then calls go back to them.</summary>
    /// <remarks>
    /// The starts are written twice: at once, and again (those made since) after every other process has had the time
    /// to notice Redis is back and write its own (each probes once a second). Only then is the shared window whole, so
    /// only then do this process's calls return to it; until then they stay on the local share.
    /// </remarks>
    internal async Task OnRecoveredAsync()
    {
        int outage;
        lock (_sync)
        {
            if (_disposed || _shared)
            {
                return;
            }

            outage = _outages;
            long now = _clock.Now();
            _localStarts.RemoveAll(s => s.DatedAt <= now - _longestWindow);
        }

        if (!await TakeBackAbandonedAsync().ConfigureAwait(false))
        {
            return;
        }

        int written = await ReplayAsync(outage, 0).ConfigureAwait(false);
        if (written < 0)
        {
            return;
        }

        // Without a local share (FailOpen, FailClosed) no process has starts to write back.
        if (_budgets.Options.OnUnavailable == RedisUnavailableMode.LocalFallback)
        {
            await Task.Delay(RedisBudgets.RecoverySettle).ConfigureAwait(false);
            if (await ReplayAsync(outage, written).ConfigureAwait(false) < 0)
            {
                return;
            }
        }

        bool startPump;
        lock (_sync)
        {
            if (_outages != outage || _disposed)
            {
                return;
            }

            foreach (RunningCall call in _running.Values.Where(c => c.Fallback is not null))
            {
                call.InRedis = true;
            }

            _localStarts.Clear();
            _fallback = null;
            foreach (StageScript script in _stages)
            {
                script.FallbackStage = null;
            }

            _shared = true;
            startPump = _queue.Count > 0 && !_pumping;
            _pumping |= startPump;
        }

        if (startPump)
        {
            _ = PumpAsync();
        }
    }

    // Takes back what acquires that timed out granted when they ran after all (abandon.lua); false when Redis went away
    // again (the next recovery tries them all).
    private async Task<bool> TakeBackAbandonedAsync()
    {
        (int Stage, string[] Leases, int[] Costs)[] abandoned;
        lock (_sync)
        {
            abandoned = _abandoned.ToArray();
        }

        try
        {
            foreach ((int stage, string[] leases, int[] costs) in abandoned)
            {
                StageScript script = _stages[stage];
                await _budgets.RunAsync(RedisScript.Abandon, script.Keys, [script.LimitCount, .. script.LimitArgs, .. Calls(leases, costs)]).ConfigureAwait(false);
            }
        }
        catch (RedisUnavailableException)
        {
            return false;
        }

        lock (_sync)
        {
            _abandoned.RemoveRange(0, abandoned.Length);
        }

        return true;
    }

    // Writes the local share's starts from `from` on, and every call running on it, into the shared ledgers; returns
    // how many local starts are written, or -1 when Redis went away again (the next recovery writes them all).
    private async Task<int> ReplayAsync(int outage, int from)
    {
        List<(StageScript Script, RedisValue[] Starts)> replays;
        int written;
        lock (_sync)
        {
            if (_outages != outage || _disposed)
            {
                return -1;
            }

            long now = _clock.Now();
            written = _localStarts.Count;

            // Every call running on the local share, those the shared budget admitted before the outage too: a Redis that
            // was restarted has forgotten their leases. Writing a lease or a sliding window's start again only moves it.
            IEnumerable<RunningCall> running = _running.Values.Where(c => c.Fallback is not null);
            var starts = _localStarts.Skip(from).Select(s => (s.LeaseId, s.Stage, s.Cost, Age: (now - s.DatedAt) / 10, Running: false))
                .Concat(running.Select(c => (c.LeaseId, c.Stage.Index, c.Cost, Age: (now - Clock.Later(c.InvokedAt, _policy.RecordingDelayCap.Ticks)) / 10, Running: _slots > 0)));
            replays = starts.GroupBy(s => s.Item2)
                .Select(g => (_stages[g.Key], g.SelectMany(s => new RedisValue[] { s.LeaseId, s.Cost, s.Age, s.Running ? "1" : "0" }).ToArray()))
                .ToList();
        }

        try
        {
            foreach ((StageScript script, RedisValue[] starts) in replays)
            {
                RedisValue[] args = [_budgets.Skew, _leaseMicros, _capMicros, script.LimitCount, .. script.LimitArgs, .. starts];
                await _budgets.RunAsync(RedisScript.Replay, script.Keys, args).ConfigureAwait(false);
            }
        }
        catch (RedisUnavailableException)
        {
            return -1;
        }

        return written;
    }

    // A failure the pump did not expect (a bug, or an answer it cannot read) fails the calls waiting rather than leaving
    // them to wait forever; the next call starts a new pump.
    private async Task PumpAsync()
    {
        try
        {
            await PumpTurnsAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            RedisWaiter[] waiting;
            lock (_sync)
            {
                _pumping = false;
                waiting = _queue.ToArray();
                _queue.Clear();
            }

            foreach (RedisWaiter waiter in waiting)
            {
                waiter.Fail(e);
            }
        }
    }

    // The one loop that asks Redis for turns, the head of the queue first; a waiter whose method limit is used up lets
    // the others of other methods pass.
    private async Task PumpTurnsAsync()
    {
        var blockedStages = new HashSet<int>();
        long waitMicros = -1;
        while (true)
        {
            RedisWaiter? next = null;
            Task wake;
            long coolingFor;
            lock (_sync)
            {
                if (_disposed || !_shared || _queue.Count == 0)
                {
                    _pumping = false;
                    return;
                }

                wake = _wake.Task;
                long now = _clock.Now();
                coolingFor = _coolDownUntil > now ? _coolDownUntil - now : 0;
                for (LinkedListNode<RedisWaiter>? node = _queue.First; node is not null && next is null; node = node.Next)
                {
                    if (!blockedStages.Contains(node.Value.Stage.Index))
                    {
                        next = node.Value;
                    }
                }

                _blockedClientWide = next is not null && coolingFor > 0;
            }

            if (coolingFor > 0 || next is null)
            {
                await SleepAsync(wake, coolingFor > 0 ? coolingFor / 10 : waitMicros).ConfigureAwait(false);
                blockedStages.Clear();
                waitMicros = -1;
                continue;
            }

            // The head and the waiters of its stage right behind it ask together: one round trip admits as many as the
            // budget allows, in their order.
            List<RedisWaiter> batch = Batch(next);
            string[] leases = batch.Select(_ => NewLeaseId()).ToArray();
            RedisResult[] answer;
            try
            {
                answer = (RedisResult[])(await AcquireAsync(_stages[next.Stage.Index], leases, batch).ConfigureAwait(false))!;
            }
            catch (RedisUnavailableException)
            {
                // OnUnavailable has forwarded the queue. The script may still run: StackExchange.Redis sends what it
                // had written or queued once Redis answers again, so its grants are taken back on recovery.
                lock (_sync)
                {
                    _abandoned.Add((next.Stage.Index, leases, batch.Select(w => w.Cost).ToArray()));
                }

                continue;
            }

            int granted = (int)answer[0];
            long status = (long)answer[1];
            long wait = (long)answer[2];
            long starts = (long)answer[5];
            long left = (long)answer[7];
            long tokens = (long)answer[9];
            long tokensLeft = (long)answer[10];

            // The i-th granted call's marks leave out the calls granted after it, which it was counted before.
            long later = batch.Take(granted).Sum(w => (long)w.Cost);
            for (int i = 0; i < granted; i++)
            {
                later -= batch[i].Cost;
                var marks = new GrantMarks(starts - granted + i + 1, left < 0 ? -1 : left + granted - i - 1, tokens - later, tokensLeft < 0 ? -1 : tokensLeft + later);
                Granted(batch[i], leases[i], marks);
            }

            FollowSharedSlotLimit((int)answer[6]);
            FollowLearned((string?)answer[8] ?? string.Empty);

            switch (status)
            {
                case 1:
                    blockedStages.Clear();
                    waitMicros = -1;
                    break;
                case 2:
                    blockedStages.Add(next.Stage.Index);
                    waitMicros = waitMicros < 0 ? wait : Math.Min(waitMicros, wait);
                    break;
                case 3:
                    // Another process was refused; what is left of its wait is this process's too.
                    RefuseHere(TimeSpan.FromTicks(wait * 10), TimeSpan.FromTicks((long)answer[4] * 10));
                    break;
                default:
                    lock (_sync)
                    {
                        if (status == 4)
                        {
                            _coolDownUntil = Math.Max(_coolDownUntil, Clock.Later(_clock.Now(), wait * 10));
                        }

                        _blockedClientWide = true;
                    }

                    await SleepAsync(wake, wait).ConfigureAwait(false);
                    blockedStages.Clear();
                    waitMicros = -1;
                    break;
            }
        }
    }

    // The waiter and those of its stage queued right behind it, at most MaxBatch.
    private List<RedisWaiter> Batch(RedisWaiter first)
    {
        var batch = new List<RedisWaiter> { first };
        lock (_sync)
        {
            for (LinkedListNode<RedisWaiter>? node = first.Node.Next; node is not null && batch.Count < MaxBatch && node.Value.Stage == first.Stage; node = node.Next)
            {
                batch.Add(node.Value);
            }
        }

        return batch;
    }

    private void FollowSharedSlotLimit(int shared)
    {
        if (_adaptive is null)
        {
            return;
        }

        lock (_sync)
        {
            if (shared == 0)
            {
                // No process has said yet: this one's limit is the first word.
                _budgets.Track(ShareSlotLimitAsync(_slotLimit));
            }
            else if (_adaptive.Follow(_clock.Now(), shared))
            {
                // A higher limit may admit the waiter just refused: the pump looks again at once.
                bool rose = _adaptive.Current > _slotLimit;
                _slotLimit = _adaptive.Current;
                if (rose)
                {
                    SignalLocked();
                }
            }
        }
    }

    private async Task ShareSlotLimitAsync(int limit)
    {
        try
        {
            await _budgets.RunAsync(RedisScript.SlotLimit, [_keys.CoolDown], [limit, _keys.Freed.ToString()]).ConfigureAwait(false);
        }
        catch (RedisUnavailableException)
        {
            // The next change says it again.
        }
    }

    private string NewLeaseId() => _budgets.ProcessId + ":" + Interlocked.Increment(ref _nextTicket).ToString(CultureInfo.InvariantCulture);

    private Task<RedisResult> AcquireAsync(StageScript script, string[] leases, List<RedisWaiter> batch)
        => _budgets.RunAsync(
            RedisScript.Acquire,
            script.Keys,
            [_budgets.Skew, _leaseMicros, _adaptive is null ? _slots : SlotLimit, _capMicros, script.LimitCount, .. script.LimitArgs, .. Calls(leases, batch.Select(w => w.Cost).ToArray())]);

    // The scripts' list of calls: each lease id followed by its call's cost (what its weighted limits charge).
    private static RedisValue[] Calls(string[] leases, int[] costs)
    {
        var calls = new RedisValue[leases.Length * 2];
        for (int i = 0; i < leases.Length; i++)
        {
            calls[2 * i] = leases[i];
            calls[(2 * i) + 1] = costs[i];
        }

        return calls;
    }

    // Redis gave `waiter` its turn; a waiter that left meanwhile (cancelled, MaxWait) gives it straight back.
    private void Granted(RedisWaiter waiter, string leaseId, GrantMarks marks)
    {
        long ticket;
        lock (_sync)
        {
            var call = new RunningCall(leaseId, waiter.Stage)
            {
                InRedis = true,
                InvokedAt = _clock.Now(),
                Mark = marks.Starts,
                OwnLeft = marks.OwnLeft,
                TokensMark = marks.Tokens,
                OwnTokensLeft = marks.OwnTokensLeft,
                Cost = waiter.Cost,
            };
            if (waiter.Node.List is null)
            {
                ticket = 0;
            }
            else
            {
                _queue.Remove(waiter.Node);
                ticket = Register(call);
                _metrics?.Waited(_policy.Name, Kind, TimeSpan.FromTicks(_clock.Now() - waiter.EnqueuedAt));
            }
        }

        if (ticket == 0 || !waiter.TryGrant(ticket))
        {
            if (ticket != 0)
            {
                lock (_sync)
                {
                    _running.Remove(ticket);
                }
            }

            _budgets.Track(ReleaseAsync(_stages[waiter.Stage.Index], leaseId, waiter.Cost));
        }
    }

    // `call`, when given, may carry what the server's answer to it said (ServerSaid).
    private async Task ReleaseAsync(StageScript script, string leaseId, int cost, RunningCall? call = null)
    {
        RedisValue[] arguments = [_budgets.Skew, leaseId, cost, _keys.Freed.ToString(), script.LimitCount, .. script.LimitArgs];
        if (call is { Told: not null } or { ToldTokens: not null })
        {
            // Requests remaining -1: the answer said nothing of them, only of its tokens.
            ServerQuota? quota = call.Told;
            arguments = [.. arguments, call.Mark, quota?.Remaining ?? -1, (quota?.Reset.Ticks ?? 0) / 10, call.OwnLeft, call.DatedAgo / 10];
            if (call.ToldTokens is { } tokens)
            {
                arguments = [.. arguments, call.TokensMark, tokens.Remaining, tokens.Reset.Ticks / 10, call.OwnTokensLeft];
            }
        }

        try
        {
            await _budgets.RunAsync(RedisScript.Release, script.Keys, arguments).ConfigureAwait(false);
        }
        catch (RedisUnavailableException)
        {
            // The lease expires by itself, and the start is dated at its cap.
        }

        Signal();
    }

    private async Task RenewAsync()
    {
        RedisValue[] leases;
        lock (_sync)
        {
            if (_slots == 0 || _running.Count == 0 || !_shared)
            {
                return;
            }

            leases = _running.Values.Where(c => c.InRedis).Select(c => (RedisValue)c.LeaseId).ToArray();
        }

        if (leases.Length == 0)
        {
            return;
        }

        try
        {
            RedisResult held = await _budgets.RunAsync(RedisScript.Renew, [_keys.Slots], [_budgets.Skew, _leaseMicros, .. leases]).ConfigureAwait(false);
            if ((int)held < leases.Length)
            {
                RedisLog.LeasesLost(_logger, _policy.Name, leases.Length - (int)held);
            }
        }
        catch (RedisUnavailableException)
        {
            // Renewed on the next beat, or replayed after the outage.
        }
    }

    private async Task PauseEverywhereAsync(string field, TimeSpan duration)
    {
        try
        {
            await _budgets.RunAsync(RedisScript.CoolDown, [_keys.CoolDown], [_budgets.Skew, field, duration.Ticks / 10]).ConfigureAwait(false);
        }
        catch (RedisUnavailableException)
        {
            // This process pauses anyway; the others learn of the server's limit from their own 429s.
        }
    }

    // Until `duration` from now nobody is sent; `asked` is what the server asked for, for the rejections' message.
    private bool RefuseHere(TimeSpan duration, TimeSpan? asked = null)
    {
        lock (_sync)
        {
            long until = Clock.Later(_clock.Now(), duration.Ticks);
            if (until <= _refusedUntil)
            {
                return false;
            }

            _refusedUntil = until;
            _refusedFor = asked ?? duration;
            _fallback?.Refuse(duration);
        }

        RejectAllWaiting(RejectionReason.ServerCoolDown);
        return true;
    }

    // Under _sync.
    private void RememberStart(int stage, long datedAt, long now, int cost)
    {
        _recentStarts.Enqueue((stage, datedAt, cost));
        while (_recentStarts.Peek().DatedAt <= now - _longestWindow)
        {
            _recentStarts.Dequeue();
        }
    }

    // A call while Redis is away, as OnUnavailable says.
    private ValueTask<long> EnterUnshared(MethodStage stage, int cost, CancellationToken cancellationToken)
    {
        switch (_budgets.Options.OnUnavailable)
        {
            case RedisUnavailableMode.FailClosed:
                throw Reject(RejectionReason.BudgetUnavailable);
            case RedisUnavailableMode.FailOpen:
                lock (_sync)
                {
                    return new ValueTask<long>(Register(new RunningCall(string.Empty, stage) { InvokedAt = _clock.Now(), Cost = cost }));
                }
        }

        LocalBudgetStore fallback;
        MethodStage fallbackStage;
        lock (_sync)
        {
            fallback = _fallback ??= CreateFallback(_budgets.LiveProcesses);
            StageScript script = _stages[stage.Index];
            fallbackStage = script.FallbackStage ??= fallback.AddStage(string.Empty, Share(script.MethodLimits, _budgets.LiveProcesses));
        }

        if (fallback.TryEnter(fallbackStage, cost, out long ticket))
        {
            lock (_sync)
            {
                return new ValueTask<long>(RegisterFallback(stage, cost, fallback, fallbackStage, ticket, invoked: true));
            }
        }

        return new ValueTask<long>(EnterFallbackAsync(stage, cost, fallback, fallbackStage, cancellationToken));
    }

    private async Task<long> EnterFallbackAsync(MethodStage stage, int cost, LocalBudgetStore fallback, MethodStage fallbackStage, CancellationToken cancellationToken)
    {
        long entered = await fallback.Enter(fallbackStage, cost, cancellationToken).AsValueTask().ConfigureAwait(false);
        lock (_sync)
        {
            return RegisterFallback(stage, cost, fallback, fallbackStage, entered, invoked: false);
        }
    }

    // A waiter queued for Redis when it went away takes the unshared way instead.
    private async Task ForwardAsync(RedisWaiter waiter)
    {
        long ticket;
        try
        {
            ticket = await EnterUnshared(waiter.Stage, waiter.Cost, waiter.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (waiter.CancellationToken.IsCancellationRequested)
        {
            waiter.Cancel();
            return;
        }
        catch (Exception e)
        {
            waiter.Fail(e);
            return;
        }

        if (!waiter.TryGrant(ticket))
        {
            Exit(waiter.Stage, Invoked(waiter.Stage, ticket, waiter.Cost), waiter.Cost);
        }
    }

    private long RegisterFallback(MethodStage stage, int cost, LocalBudgetStore fallback, MethodStage fallbackStage, long entered, bool invoked)
    {
        var call = new RunningCall(NewLeaseId(), stage) { Fallback = fallback, FallbackStage = fallbackStage, InvokedAt = _clock.Now(), Cost = cost };
        if (invoked)
        {
            call.FallbackTicket = entered;
        }
        else
        {
            call.FallbackEntered = entered;
            call.AwaitsInvocation = true;
        }

        return Register(call);
    }

    // Under _sync. Tickets are positive; 0 means none.
    private long Register(RunningCall call)
    {
        long ticket = Interlocked.Increment(ref _nextTicket);
        _running.Add(ticket, call);
        return ticket;
    }

    // The local share of a budget: every limit divided by the processes alive, at least one slot and one permit.
    private LocalBudgetStore CreateFallback(int processes)
    {
        var share = new ThrottlingPolicy(_policy.Name)
        {
            Slots = _policy.Slots is { } slots ? new SlotPolicy(Math.Max(1, slots.Count / processes)) { QueueLimit = slots.QueueLimit, MaxWait = slots.MaxWait } : null,
            RateLimits = Share(_policy.RateLimits, processes),
            Backoff = _policy.Backoff,
            RecordingDelayCap = _policy.RecordingDelayCap,
        };
        var fallback = new LocalBudgetStore(share, _clock, _metrics, _logger);
        long now = _clock.Now();
        if (_coolDownUntil > now)
        {
            fallback.CoolDown(TimeSpan.FromTicks(_coolDownUntil - now), default);
        }

        foreach (StageScript script in _stages)
        {
            script.FallbackStage = fallback.AddStage(string.Empty, Share(script.MethodLimits, processes));
        }

        foreach ((int stage, long datedAt, int cost) in _recentStarts)
        {
            fallback.RecordStart(_stages[stage].FallbackStage!, datedAt, cost);
        }

        // Calls the shared budget admitted keep their slots, and their starts count, until they end.
        foreach (RunningCall call in _running.Values.Where(c => c.InRedis && c.Fallback is null))
        {
            MethodStage stage = _stages[call.Stage.Index].FallbackStage!;
            fallback.Occupy();
            fallback.RecordStart(stage, now, call.Cost);
            call.Fallback = fallback;
            call.FallbackStage = stage;
            call.FallbackTicket = Unrecorded;
        }

        _recentStarts.Clear();
        return fallback;
    }

    private static RateLimitPolicy[] Share(IReadOnlyList<RateLimitPolicy> limits, int processes)
        => limits.Select(l => new RateLimitPolicy(Math.Max(1, l.Permits / processes), l.Window) { Kind = l.Kind, Unit = l.Unit }).ToArray();

    private static async Task SleepAsync(Task wake, long micros)
    {
        TimeSpan delay = micros < 0 || micros * 10 > Recheck.Ticks ? Recheck : TimeSpan.FromTicks(Math.Max(micros * 10, TimeSpan.TicksPerMillisecond));
        using var cancel = new CancellationTokenSource();
        Task sleep = Task.Delay(delay, TimeProvider.System, cancel.Token);
        if (await Task.WhenAny(wake, sleep).ConfigureAwait(false) == wake)
        {
            cancel.Cancel();
        }
    }

    private void Signal()
    {
        lock (_sync)
        {
            SignalLocked();
        }
    }

    private void SignalLocked()
    {
        _wake.TrySetResult();
        _wake = NewSignal();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void RejectAllWaiting(RejectionReason reason)
    {
        RedisWaiter[] waiting;
        lock (_sync)
        {
            waiting = _queue.ToArray();
            _queue.Clear();
        }

        foreach (RedisWaiter waiter in waiting)
        {
            waiter.Fail(Reject(reason));
        }
    }

    private ThrottlingRejectedException Reject(RejectionReason reason) => Rejection(reason, reason switch
    {
        RejectionReason.QueueFull => $"{ThrottlingPolicy.Plural(_queueLimit, "caller already waits", "callers already wait")} in this process for their turn under {_policy.DescribeLimits()} (shared in Redis), and its QueueLimit is {_queueLimit}.",
        RejectionReason.ServerCoolDown => $"the server asked it to wait {Duration.Describe(_refusedFor)} (Retry-After), longer than MaxRetryAfter, so no call is sent before then.",
        RejectionReason.BudgetUnavailable => $"its budget lives in Redis (prefix {_budgets.Options.KeyPrefix}), Redis does not answer, and OnUnavailable is FailClosed.",
        _ => $"it waited {Duration.Describe(_policy.Slots?.MaxWait ?? TimeSpan.Zero)} (MaxWait) for its turn under {_policy.DescribeLimits()} (shared in Redis).",
    });

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw new ObjectDisposedException(nameof(ClientThrottle), $"The throttle of {_policy.Name} was disposed.");
        }
    }
}
