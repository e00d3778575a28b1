using System;
using System.Threading;

namespace Throttling;

/// <summary>
/// A call waiting for its turn in a <see cref="ClientThrottle"/>: it moves from its method's stage to the slot queue to
/// the start queue, and remembers what it holds so that leaving early gives all of it back. Its task's result is the
/// tick at which the call started.
/// </summary>
internal sealed class Admission : Waiter<long>, IDisposable
{
    private readonly ClientThrottle _owner;
    private CancellationTokenRegistration _cancellation;
    private ITimer? _deadline;

    public Admission(ClientThrottle owner, MethodStage stage, long enqueuedAt)
    {
        _owner = owner;
        Stage = stage;
        EnqueuedAt = enqueuedAt;
    }

    public MethodStage Stage { get; }

    public long EnqueuedAt { get; }

    /// <summary>Permits of the method's own limits are reserved for this call.</summary>
    public bool HoldsReservation { get; set; }

    /// <summary>A slot is held for this call.</summary>
    public bool HoldsSlot { get; set; }

    /// <summary>The caller's token, once armed.</summary>
    public CancellationToken CancellationToken { get; private set; }

    /// <summary>Lets the caller's token, and the client's MaxWait, end the wait.</summary>
    public void Arm(TimeSpan? maxWait, TimeProvider time, CancellationToken cancellationToken)
    {
        CancellationToken = cancellationToken;
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.Register(static state => ((Admission)state!)._owner.Abandon((Admission)state, null), this);
        }

        if (maxWait is { } wait)
        {
            _deadline = time.CreateTimer(static state => ((Admission)state!)._owner.Abandon((Admission)state, RejectionReason.MaxWaitExceeded), this, wait, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        _cancellation.Dispose();
        _deadline?.Dispose();
    }
}
