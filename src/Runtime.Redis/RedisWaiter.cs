using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Throttling.Redis;

/// <summary>
/// A call of this process waiting for its turn in a <see cref="RedisBudgetStore"/>: FIFO in its process, granted by
/// the store's pump once Redis gives it a slot and its permits. Completes once, by grant, rejection or cancellation.
/// </summary>
internal sealed class RedisWaiter
{
    private readonly TaskCompletionSource<long> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenRegistration _cancellation;
    private ITimer? _deadline;

    public RedisWaiter(MethodStage stage, int cost, long enqueuedAt)
    {
        Stage = stage;
        Cost = cost;
        EnqueuedAt = enqueuedAt;
        Node = new LinkedListNode<RedisWaiter>(this);
    }

    public MethodStage Stage { get; }

    /// <summary>What the call is charged in its weighted limits.</summary>
    public int Cost { get; }

    public long EnqueuedAt { get; }

    public LinkedListNode<RedisWaiter> Node { get; }

    public CancellationToken CancellationToken { get; private set; }

    public Task<long> Task => _outcome.Task;

    /// <summary>Lets the caller's token, and the client's MaxWait counted from the arrival, end the wait.</summary>
    public void Arm(RedisBudgetStore owner, TimeSpan? maxWait, Clock clock, CancellationToken cancellationToken)
    {
        CancellationToken = cancellationToken;
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.Register(static s => ((RedisBudgetStore)((object[])s!)[0]).Abandon((RedisWaiter)((object[])s)[1], null), new object[] { owner, this });
        }

        if (maxWait is { } wait)
        {
            long due = Clock.Later(EnqueuedAt, wait.Ticks);
            _deadline = clock.Time.CreateTimer(
                static s => ((RedisBudgetStore)((object[])s!)[0]).Abandon((RedisWaiter)((object[])s)[1], RejectionReason.MaxWaitExceeded),
                new object[] { owner, this },
                Clock.DueTime(clock.Now(), due),
                Timeout.InfiniteTimeSpan);
        }
    }

    public bool TryGrant(long ticket)
    {
        Disarm();
        return _outcome.TrySetResult(ticket);
    }

    public void Fail(Exception error)
    {
        Disarm();
        _outcome.TrySetException(error);
    }

    public void Cancel()
    {
        Disarm();
        _outcome.TrySetCanceled(CancellationToken);
    }

    // Unregister, not Dispose: it may run inside the token's own callback, which Dispose would wait for.
    private void Disarm()
    {
        _cancellation.Unregister();
        _deadline?.Dispose();
    }
}
