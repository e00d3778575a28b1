using System;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace Throttling;

/// <summary>
/// A call waiting for its turn in a <see cref="LocalBudgetStore"/>, in its method stage's queue. It holds nothing while
/// it waits: its slot and permits are taken together when it is granted. Its result says whether the call's start is
/// recorded against rate limits.
/// </summary>
/// <remarks>
/// Admissions are reused: the caller awaits <see cref="Wait"/> once, and reading its result returns the admission to
/// its client's pool. So that a stale callback never touches a reused admission, the cancellation registration is
/// disposed first (which waits for a running callback), and an admission that armed a MaxWait timer, whose callback
/// cannot be waited for, is left to the garbage collector.
/// </remarks>
internal sealed class Admission : QueueNode<Admission>, IValueTaskSource<long>
#if NET8_0_OR_GREATER
    , IThreadPoolWorkItem
#endif
{
    private readonly LocalBudgetStore _owner;
    private ManualResetValueTaskSourceCore<long> _core;
    private CancellationTokenRegistration _cancellation;
    private ITimer? _deadline;
    private Clock? _clock;
    private long _deadlineAt;
    private long _result;
    private Exception? _error;
    private volatile bool _isDone;
    private bool _completesInline;

    public Admission(LocalBudgetStore owner)
    {
        _owner = owner;
#if !NET8_0_OR_GREATER
        _core.RunContinuationsAsynchronously = true;
#endif
    }

    public MethodStage Stage { get; private set; } = null!;

    public long EnqueuedAt { get; private set; }

    /// <summary>Arrival order across every stage of the client: the earliest eligible waiter goes first.</summary>
    public long Sequence { get; private set; }

    /// <summary>The caller's token, once armed.</summary>
    public CancellationToken CancellationToken { get; private set; }

    /// <summary>Granted or failed; the caller's continuation may not have run yet.</summary>
    public bool IsDone => _isDone;

    /// <summary>What <see cref="Grant"/> handed over; meaningful once granted.</summary>
    public long Result => _result;

    public bool IsGranted => _isDone && _error is null;

    /// <summary>The caller's view of the wait; awaited once.</summary>
    public Turn Wait => Turn.Later(this, _core.Version);

    /// <summary>What the call is charged in its weighted limits (see <see cref="PermitLedger.Charge"/>).</summary>
    public int Cost { get; private set; }

    /// <summary>Prepares a fresh or reused admission for a call that starts waiting now.</summary>
    public void Begin(MethodStage stage, int cost, long enqueuedAt, long sequence)
    {
        Stage = stage;
        Cost = cost;
        EnqueuedAt = enqueuedAt;
        Sequence = sequence;
        _completesInline = true;
    }

    /// <summary>
    /// Under the client's lock, once the entering caller's own pump has run without granting it: from now on its
    /// completion reaches the caller through <see cref="Wait"/>. Until then a grant is kept for <see cref="TakeInline"/>,
    /// so a call granted as it queues goes on without a thread hop.
    /// </summary>
    public void Publishing() => _completesInline = false;

    /// <summary>The outcome of an admission completed before <see cref="Publishing"/>; the admission is reused.</summary>
    public Turn TakeInline()
    {
        Turn outcome = _error is null ? Turn.Now(_result) : Turn.Later(Task.FromException<long>(_error));
        Recycle();
        return outcome;
    }

    /// <summary>Lets the caller's token, and the client's MaxWait, end the wait.</summary>
    public void Arm(TimeSpan? maxWait, Clock clock, CancellationToken cancellationToken)
    {
        CancellationToken = cancellationToken;
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.Register(static state => ((Admission)state!)._owner.Abandon((Admission)state, null), this);
        }

        if (maxWait is { } wait)
        {
            _clock = clock;
            // Counted from the arrival, not from now: a caller that reaches this line late does not wait longer.
            _deadlineAt = Clock.Later(EnqueuedAt, wait.Ticks);
            _deadline = clock.Time.CreateTimer(static state => ((Admission)state!).OnDeadline(), this, Clock.DueTime(clock.Now(), _deadlineAt), Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Ends the wait with the call's turn. Called once, by whoever took the admission out of its queue.</summary>
    public void Grant(long result) => Complete(result, null);

    /// <summary>Ends the wait with <paramref name="error"/>. Called once, by whoever took the admission out of its queue.</summary>
    public void Fail(Exception error) => Complete(0, error);

    /// <summary>Ends the wait as cancelled by the caller's token, as a cancelled task would.</summary>
    public void Cancel() => Fail(
#if NET8_0_OR_GREATER
        new TaskCanceledException(null, null, CancellationToken));
#else
        new OperationCanceledException(CancellationToken));
#endif

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);

    public long GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            Recycle();
        }
    }

#if NET8_0_OR_GREATER
    // The caller's continuation runs here, on the thread pool, never under the client's lock; queuing the admission
    // itself costs no allocation.
    void IThreadPoolWorkItem.Execute() => Publish();
#endif

    // Completers hold the client's lock, so the continuation must not run inline.
    private void Complete(long result, Exception? error)
    {
        _result = result;
        _error = error;
        _isDone = true;
        if (_completesInline)
        {
            return;
        }

#if NET8_0_OR_GREATER
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
#else
        Publish();
#endif
    }

    private void Publish()
    {
        if (_error is null)
        {
            _core.SetResult(_result);
        }
        else
        {
            _core.SetException(_error);
        }
    }

    /// <summary>Stops listening to the caller's token and the MaxWait timer; for an admission that is given up, never reused.</summary>
    public void Disarm()
    {
        _cancellation.Dispose();
        _deadline?.Dispose();
    }

    private void Recycle()
    {
        Disarm();
        _cancellation = default;
        if (_deadline is not null)
        {
            return;
        }

        CancellationToken = default;
        Stage = null!;
        _error = null;
        _isDone = false;
        _core.Reset();
        _owner.Recycle(this);
    }

    // Timers cannot be armed beyond ~49 days; a longer MaxWait is waited out in steps.
    private void OnDeadline()
    {
        long now = _clock!.Now();
        if (now < _deadlineAt)
        {
            _deadline?.Change(Clock.DueTime(now, _deadlineAt), Timeout.InfiniteTimeSpan);
            return;
        }

        _owner.Abandon(this, RejectionReason.MaxWaitExceeded);
    }
}
