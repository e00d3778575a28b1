using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;

namespace Throttling.RateLimiting;

/// <summary>
/// The base of this library's <see cref="RateLimiter"/>s: every one runs on an injected <see cref="TimeProvider"/>
/// (the BCL's limiters read the system clock, so tests cannot control them), queues waiters first-in first-out, grants a
/// waiter the moment its permits are free, and gives failed leases an exact <see cref="MetadataName.RetryAfter"/>.
/// Several limits in one limiter are acquired all-or-nothing: a refusal by one spends nothing of the others.
/// </summary>
public abstract class TimedRateLimiter : RateLimiter
{
    private readonly object _sync = new();
    private readonly Clock _clock;
    private readonly PermitLedger[] _ledgers;
    private readonly int _maxPermits;
    private readonly long _longestWindow;
    private readonly int _queueLimit;
    private readonly WaiterQueue<Waiter<RateLimitLease>> _queue = new();
    private int _queuedPermits;
    private ITimer? _timer;
    private long _lastTake;
    private long _successfulLeases;
    private long _failedLeases;
    private bool _disposed;

    // `policies` is the limiter's own copy, checked by the derived class's options.
    private protected TimedRateLimiter(RateLimitPolicy[] policies, TimedRateLimiterOptions options)
    {
        if (!LimitRules.IsValidQueueLimit(options.QueueLimit))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.QueueLimit, "QueueLimit must be 0 or more.");
        }

        _clock = new Clock(options.TimeProvider ?? TimeProvider.System);
        long now = _clock.Now();
        _ledgers = policies.Select(p => PermitLedger.Create(p, _clock, now)).ToArray();
        _maxPermits = policies.Min(p => p.Permits);
        _longestWindow = policies.Max(p => p.Window.Ticks);
        _queueLimit = options.QueueLimit;
        Limits = Array.AsReadOnly(policies);
        _lastTake = now - _longestWindow;
    }

    /// <summary>The limits this limiter enforces together.</summary>
    public IReadOnlyList<RateLimitPolicy> Limits { get; }

    /// <inheritdoc />
    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_sync)
            {
                // Idle once every permit has come back: the longest window after the last start, with nobody waiting.
                long idle = _clock.Now() - (_lastTake + _longestWindow);
                return _queue.IsEmpty && idle >= 0 ? TimeSpan.FromTicks(idle) : null;
            }
        }
    }

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_sync)
        {
            long now = _clock.Now();
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = _ledgers.Min(l => l.Available(now)),
                CurrentQueuedCount = _queuedPermits,
                TotalSuccessfulLeases = _successfulLeases,
                TotalFailedLeases = _failedLeases,
            };
        }
    }

    /// <inheritdoc />
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        CheckPermitCount(permitCount);
        lock (_sync)
        {
            ThrowIfDisposed();
            long now = _clock.Now();
            if (_queue.IsEmpty && TryTake(now, permitCount))
            {
                return TimedLease.Successful;
            }

            return Refuse(now, permitCount);
        }
    }

    /// <inheritdoc />
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        CheckPermitCount(permitCount);
        if (cancellationToken.IsCancellationRequested)
        {
            return new ValueTask<RateLimitLease>(Task.FromCanceled<RateLimitLease>(cancellationToken));
        }

        RateWaiter waiter;
        lock (_sync)
        {
            ThrowIfDisposed();
            long now = _clock.Now();
            if (_queue.IsEmpty && TryTake(now, permitCount))
            {
                return new ValueTask<RateLimitLease>(TimedLease.Successful);
            }

            if (_queuedPermits + permitCount > _queueLimit)
            {
                return new ValueTask<RateLimitLease>(Refuse(now, permitCount));
            }

            waiter = new RateWaiter(this, permitCount, cancellationToken);
            _queue.Enqueue(waiter);
            _queuedPermits += permitCount;
            ArmTimer(now);
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.ListenForCancellation();
        }

        return new ValueTask<RateLimitLease>(waiter.Task);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing)
        {
            return;
        }

        RateWaiter? abandoned;
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _timer?.Dispose();
            abandoned = Dequeue(_clock.Now(), everyone: true);
        }

        for (RateWaiter? waiter = abandoned; waiter is not null; waiter = waiter.NextDequeued)
        {
            waiter.StopListening();
            waiter.TrySetException(new ObjectDisposedException(GetType().Name));
        }
    }

    /// <inheritdoc />
    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore().ConfigureAwait(false);
        Dispose(true);
    }

    private void CheckPermitCount(int permitCount)
    {
        if (permitCount < 0 || permitCount > _maxPermits)
        {
            throw new ArgumentOutOfRangeException(nameof(permitCount), permitCount, $"Between 0 and {_maxPermits} permits can be asked for at once.");
        }
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw new ObjectDisposedException(GetType().Name);
        }
    }

    // Zero permits ask whether one is there (RateLimiter's contract: AttemptAcquire(0) reports availability,
    // AcquireAsync(0) waits for it) and take none; so readiness is always asked of at least one.
    private static int PermitsToCheck(int permitCount) => Math.Max(permitCount, 1);

    // Under _sync. All-or-nothing: every ledger is asked before any is charged.
    private bool TryTake(long now, int permitCount)
    {
        if (PermitLedger.ReadyAtAll(_ledgers, now, PermitsToCheck(permitCount)) > now)
        {
            return false;
        }

        if (permitCount > 0)
        {
            foreach (PermitLedger ledger in _ledgers)
            {
                ledger.Take(now, permitCount);
            }

            _lastTake = now;
        }

        _successfulLeases++;
        return true;
    }

    private TimedLease Refuse(long now, int permitCount)
    {
        _failedLeases++;
        long readyAt = PermitLedger.ReadyAtAll(_ledgers, now, PermitsToCheck(permitCount));
        return TimedLease.Failed(readyAt == PermitLedger.Unknown ? null : TimeSpan.FromTicks(readyAt - now));
    }

    private void Cancel(RateWaiter waiter)
    {
        lock (_sync)
        {
            if (!_queue.Remove(waiter))
            {
                return;
            }

            _queuedPermits -= waiter.Permits;
        }

        waiter.StopListening();
        waiter.TrySetCanceled(waiter.CancellationToken);
        Grant();
    }

    private void Grant()
    {
        RateWaiter? granted;
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }

            long now = _clock.Now();
            granted = Dequeue(now, everyone: false);
            ArmTimer(now);
        }

        // Completed outside the lock: disposing a cancellation registration may wait for its callback, which takes the lock.
        for (RateWaiter? waiter = granted; waiter is not null; waiter = waiter.NextDequeued)
        {
            waiter.StopListening();
            waiter.TrySetResult(TimedLease.Successful);
        }
    }

    // Under _sync: takes off the front every waiter whose permits can be taken now (or everyone, on dispose);
    // returns them chained in queue order.
    private RateWaiter? Dequeue(long now, bool everyone)
    {
        RateWaiter? first = null;
        RateWaiter? last = null;
        while (_queue.Head is RateWaiter head && (everyone || TryTake(now, head.Permits)))
        {
            _queue.Remove(head);
            _queuedPermits -= head.Permits;
            head.NextDequeued = null;
            if (last is null)
            {
                first = head;
            }
            else
            {
                last.NextDequeued = head;
            }

            last = head;
        }

        return first;
    }

    // Under _sync: one timer, due when the head of the queue can have its permits.
    private void ArmTimer(long now)
    {
        if (_queue.Head is not RateWaiter head)
        {
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        long readyAt = PermitLedger.ReadyAtAll(_ledgers, now, PermitsToCheck(head.Permits));
        _timer ??= _clock.Time.CreateTimer(static state => ((TimedRateLimiter)state!).Grant(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(Clock.DueTime(now, readyAt), Timeout.InfiniteTimeSpan);
    }

    private sealed class RateWaiter : Waiter<RateLimitLease>
    {
        private readonly TimedRateLimiter _owner;
        private readonly object _registrationLock = new();
        private CancellationTokenRegistration _registration;
        private bool _stoppedListening;

        public RateWaiter(TimedRateLimiter owner, int permits, CancellationToken cancellationToken)
        {
            _owner = owner;
            Permits = permits;
            CancellationToken = cancellationToken;
        }

        public int Permits { get; }

        public CancellationToken CancellationToken { get; }

        /// <summary>
        /// Lets the token cancel the wait. Called after the waiter is queued and the limiter's lock released, so the
        /// waiter may already have been granted on another thread: then the registration is dropped at once.
        /// </summary>
        public void ListenForCancellation()
        {
            CancellationTokenRegistration registration = CancellationToken.Register(static state => ((RateWaiter)state!).Cancel(), this);
            lock (_registrationLock)
            {
                if (!_stoppedListening)
                {
                    _registration = registration;
                    return;
                }
            }

            registration.Dispose();
        }

        /// <summary>Drops the token's registration once the wait is over, however it ended.</summary>
        public void StopListening()
        {
            CancellationTokenRegistration registration;
            lock (_registrationLock)
            {
                _stoppedListening = true;
                registration = _registration;
            }

            registration.Dispose();
        }

        public RateWaiter? NextDequeued { get; set; }

        public void Cancel() => _owner.Cancel(this);
    }
}
