using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using static Throttling.Tests.Times;
using Throttling.RateLimiting;

namespace Throttling.Tests.RateLimiting;

public class FixedWindowAndTokenBucketTests
{
    [Fact]
    public void Fixed_windows_are_aligned_to_UTC_multiples_of_their_length()
    {
        var clock = new FakeTimeProvider(Start + S(30));
        using var limiter = new UtcFixedWindowLimiter(new() { PermitLimit = 2, Window = TimeSpan.FromMinutes(1), TimeProvider = clock });

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
        using var limiter = new UtcFixedWindowLimiter(new() { PermitLimit = 1, Window = TimeSpan.FromDays(1), TimeProvider = clock });
        limiter.AttemptAcquire();

        limiter.AttemptAcquire().TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter);

        Assert.Equal(TimeSpan.FromHours(1), retryAfter);
    }

    [Fact]
    public void A_wall_clock_step_forward_moves_the_window_end_to_the_corrected_UTC()
    {
        var clock = new SteppedWallClock(Start + S(30));
        using var limiter = new UtcFixedWindowLimiter(new() { PermitLimit = 2, Window = TimeSpan.FromMinutes(1), TimeProvider = clock });
        Assert.True(limiter.AttemptAcquire(2).IsAcquired);

        clock.StepWallClock(S(20));
        clock.Advance(S(1));

        // UTC now reads 0:51, so the window ends in 9 s, not in the 29 s the clock counted before the step.
        Assert.Equal(S(9), RetryAfter(limiter.AttemptAcquire()));
        clock.Advance(S(9));
        Assert.True(limiter.AttemptAcquire(2).IsAcquired);
    }

    [Fact]
    public void A_wall_clock_step_back_does_not_return_to_a_window_whose_permits_are_spent()
    {
        var clock = new SteppedWallClock(Start + S(65));
        using var limiter = new UtcFixedWindowLimiter(new() { PermitLimit = 2, Window = TimeSpan.FromMinutes(1), TimeProvider = clock });
        Assert.True(limiter.AttemptAcquire(2).IsAcquired);

        clock.StepWallClock(-S(20));
        clock.Advance(S(1));

        // UTC now reads 0:46, inside the window before; the window of 1:00-2:00 stays, now ending in 74 s.
        Assert.Equal(S(74), RetryAfter(limiter.AttemptAcquire()));
        clock.Advance(S(74) - TimeSpan.FromTicks(1));
        Assert.False(limiter.AttemptAcquire().IsAcquired);
        clock.Advance(TimeSpan.FromTicks(1));
        Assert.True(limiter.AttemptAcquire(2).IsAcquired);
    }

    [Fact]
    public async Task A_client_window_follows_a_wall_clock_step()
    {
        var clock = new SteppedWallClock(Start + S(30));
        using var throttle = new ClientThrottle(
            new ThrottlingPolicy("Quota") { RateLimits = new[] { new RateLimitPolicy(1, TimeSpan.FromMinutes(1)) { Kind = RateLimitKind.FixedWindow } } },
            clock);
        await throttle.DefaultGate.RunAsync(0, static _ => Task.FromResult(0));
        clock.StepWallClock(S(20));
        clock.Advance(S(1));

        Task<int> second = throttle.DefaultGate.RunAsync(0, static _ => Task.FromResult(0));
        clock.Advance(S(9) - TimeSpan.FromTicks(1));
        Assert.False(second.IsCompleted);
        clock.Advance(TimeSpan.FromTicks(1));
        await Eventually.TrueAsync(() => second.IsCompleted, "the call starts when the corrected UTC window ends");
    }

    private static TimeSpan RetryAfter(RateLimitLease refused)
    {
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter));
        return retryAfter;
    }

    [Fact]
    public void A_token_bucket_bursts_to_its_size_then_refills_evenly()
    {
        FakeTimeProvider clock = NewClock();
        using var limiter = new SmoothTokenBucketLimiter(new() { PermitLimit = 10, Window = S(1), TimeProvider = clock });

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
        using var limiter = new SmoothTokenBucketLimiter(new() { PermitLimit = 3, Window = S(1), TimeProvider = clock });
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
