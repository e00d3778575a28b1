using System;
using System.Threading;

namespace Throttling;

/// <summary>
/// A call waiting for its turn in a <see cref="ClientThrottle"/>, in its method stage's queue. It holds nothing while
/// it waits: its slot and permits are taken together when it is granted. Its task's result says whether the call's
/// start is recorded against rate limits.
/// </summary>
internal sealed class Admission : Waiter<long>, IDisposable
{
    private readonly ClientThrottle _owner;
    private CancellationTokenRegistration _cancellation;
    private ITimer? _deadline;
    private Clock? _clock;
    private long _deadlineAt;

    public Admission(ClientThrottle owner, MethodStage stage, long enqueuedAt, long sequence)
    {
        _owner = owner;
        Stage = stage;
        EnqueuedAt = enqueuedAt;
        Sequence = sequence;
    }

    public MethodStage Stage { get; }

    public long EnqueuedAt { get; }

    /// <summary>Arrival order across every stage of the client: the earliest eligible waiter goes first.</summary>
    public long Sequence { get; }

    /// <summary>The caller's token, once armed.</summary>
    public CancellationToken CancellationToken { get; private set; }

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
            long now = clock.Now();
            _deadlineAt = wait.Ticks >= long.MaxValue - now ? long.MaxValue : now + wait.Ticks;
            _deadline = clock.Time.CreateTimer(static state => ((Admission)state!).OnDeadline(), this, Clock.TimerStep(wait), Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        _cancellation.Dispose();
        _deadline?.Dispose();
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
