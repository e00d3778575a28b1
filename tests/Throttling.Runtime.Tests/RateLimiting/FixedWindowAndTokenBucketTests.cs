using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using static Throttling.Tests.Times;

namespace Throttling.Tests.RateLimiting;

public class FixedWindowAndTokenBucketTests
{
    [Fact]
    public void Fixed_windows_are_aligned_to_UTC_multiples_of_their_length()
    {
        var clock = new FakeTimeProvider(Start + S(30));
        using var limiter = new FixedWindowLimiter(2, TimeSpan.FromMinutes(1), timeProvider: clock);

        Assert.True(limiter.AttemptAcquire(2).IsAcquired);
        RateLimitLease refused = limiter.AttemptAcquire();
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter));
        Assert.Equal(S(30), retryAfter);

        clock.Advance(S(30) - TimeSpan.FromTicks(1));
        Assert.False(limiter.AttemptAcquire().IsAcquired);
        clock.Advance(TimeSpan.FromTicks(1));
        Assert.True(limiter.AttemptAcquire(2).IsAcquired);
    }

    [Fact]
    public void A_day_window_restarts_at_midnight_UTC()
    {
        var clock = new FakeTimeProvider(Start + TimeSpan.FromHours(23));
        using var limiter = new FixedWindowLimiter(1, TimeSpan.FromDays(1), timeProvider: clock);
        limiter.AttemptAcquire();

        limiter.AttemptAcquire().TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter);

        Assert.Equal(TimeSpan.FromHours(1), retryAfter);
    }

    [Fact]
    public void A_token_bucket_bursts_to_its_size_then_refills_evenly()
    {
        FakeTimeProvider clock = NewClock();
        using var limiter = new TokenBucketLimiter(10, S(1), timeProvider: clock);

        Assert.True(limiter.AttemptAcquire(10).IsAcquired);
        RateLimitLease refused = limiter.AttemptAcquire();
        refused.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter);
        Assert.Equal(Ms(100), retryAfter);

        clock.Advance(Ms(99));
        Assert.False(limiter.AttemptAcquire().IsAcquired);
        clock.Advance(Ms(1));
        Assert.True(limiter.AttemptAcquire().IsAcquired);

        clock.Advance(S(10));
        Assert.Equal(10, limiter.GetStatistics()!.CurrentAvailablePermits);
    }

    [Fact]
    public void A_token_bucket_counts_odd_rates_exactly()
    {
        FakeTimeProvider clock = NewClock();
        using var limiter = new TokenBucketLimiter(3, S(1), timeProvider: clock);
        limiter.AttemptAcquire(3);
        int granted = 0;
        for (int ms = 1; ms <= 1000; ms++)
        {
            clock.Advance(Ms(1));
            granted += limiter.AttemptAcquire().IsAcquired ? 1 : 0;
        }

        Assert.Equal(3, granted);
    }
}
