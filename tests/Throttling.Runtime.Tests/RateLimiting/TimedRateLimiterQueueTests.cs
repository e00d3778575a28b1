using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using static Throttling.Tests.Times;
using Throttling.RateLimiting;

namespace Throttling.Tests.RateLimiting;

public class TimedRateLimiterQueueTests
{
    [Fact]
    public async Task Waiters_are_granted_first_in_first_out_the_moment_permits_return()
    {
        FakeTimeProvider clock = NewClock();
        using var limiter = new ExactSlidingWindowLimiter(new() { PermitLimit = 1, Window = S(1), TimeProvider = clock });
        limiter.AttemptAcquire();

        Task<RateLimitLease> first = limiter.AcquireAsync().AsTask();
        Task<RateLimitLease> second = limiter.AcquireAsync().AsTask();
        clock.Advance(S(1) - TimeSpan.FromTicks(1));
        Assert.False(first.IsCompleted);

        clock.Advance(TimeSpan.FromTicks(1));
        Assert.True(first.IsCompletedSuccessfully);
        Assert.False(second.IsCompleted);

        clock.Advance(S(1));
        Assert.True((await second).IsAcquired);
    }

    [Fact]
    public void A_waiter_that_asks_for_more_is_not_overtaken()
    {
        FakeTimeProvider clock = NewClock();
        using var limiter = new ExactSlidingWindowLimiter(new() { PermitLimit = 2, Window = S(1), TimeProvider = clock });
        limiter.AttemptAcquire();
        Task<RateLimitLease> big = limiter.AcquireAsync(2).AsTask();

        Assert.False(limiter.AttemptAcquire().IsAcquired);
        clock.Advance(S(1));
        Assert.True(big.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_queue_at_once()
    {
        FakeTimeProvider clock = NewClock();
        using var limiter = new ExactSlidingWindowLimiter(new() { PermitLimit = 1, Window = S(1), QueueLimit = 1, TimeProvider = clock });
        limiter.AttemptAcquire();
        using var cancel = new CancellationTokenSource();
        Task<RateLimitLease> cancelled = limiter.AcquireAsync(1, cancel.Token).AsTask();
        Assert.Equal(1, limiter.GetStatistics()!.CurrentQueuedCount);

        await cancel.CancelAsync();

        var thrown = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(cancel.Token, thrown.CancellationToken);
        Assert.Equal(0, limiter.GetStatistics()!.CurrentQueuedCount);
        Task<RateLimitLease> next = limiter.AcquireAsync().AsTask();
        clock.Advance(S(1));
        Assert.True((await next).IsAcquired);
    }

    [Fact]
    public async Task A_full_queue_refuses_with_the_exact_RetryAfter()
    {
        FakeTimeProvider clock = NewClock();
        using var limiter = new ExactSlidingWindowLimiter(new() { PermitLimit = 1, Window = S(1), QueueLimit = 1, TimeProvider = clock });
        limiter.AttemptAcquire();
        _ = limiter.AcquireAsync().AsTask();

        RateLimitLease refused = await limiter.AcquireAsync();

        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter));
        Assert.Equal(S(1), retryAfter);
        Assert.Equal(1, limiter.GetStatistics()!.TotalFailedLeases);
    }

    [Fact]
    public async Task Disposing_fails_the_waiters()
    {
        FakeTimeProvider clock = NewClock();
        var limiter = new ExactSlidingWindowLimiter(new() { PermitLimit = 1, Window = S(1), TimeProvider = clock });
        limiter.AttemptAcquire();
        Task<RateLimitLease> waiting = limiter.AcquireAsync().AsTask();

        limiter.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting);
        Assert.Throws<ObjectDisposedException>(() => limiter.AttemptAcquire());
    }

    [Fact]
    public void Asking_for_more_than_the_limit_is_an_argument_error()
    {
        using var limiter = new ExactSlidingWindowLimiter(new() { PermitLimit = 2, Window = S(1), TimeProvider = NewClock() });
        Assert.Throws<ArgumentOutOfRangeException>(() => limiter.AttemptAcquire(3));
    }

    [Fact]
    public void IdleDuration_counts_from_when_the_last_permit_came_back()
    {
        FakeTimeProvider clock = NewClock();
        using var limiter = new ExactSlidingWindowLimiter(new() { PermitLimit = 1, Window = S(1), TimeProvider = clock });
        limiter.AttemptAcquire();
        Assert.Null(limiter.IdleDuration);

        clock.Advance(S(3));

        Assert.Equal(S(2), limiter.IdleDuration);
    }
}
