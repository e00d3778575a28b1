using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using static Throttling.Tests.Times;
using Throttling.RateLimiting;

namespace Throttling.Tests.RateLimiting;

public class StackedRateLimiterTests
{
    [Fact]
    public void A_refusal_by_one_limit_spends_nothing_of_the_others()
    {
        FakeTimeProvider clock = NewClock();
        using var limiter = new StackedRateLimiter(new() { Limits = { new RateLimitPolicy(5, S(10)), new RateLimitPolicy(2, S(1)) { Kind = RateLimitKind.FixedWindow } }, TimeProvider = clock });

        int granted = Enumerable.Range(0, 5).Count(_ => limiter.AttemptAcquire().IsAcquired);
        Assert.Equal(2, granted);

        clock.Advance(S(1));
        Assert.True(limiter.AttemptAcquire(2).IsAcquired);
        clock.Advance(S(1));
        Assert.True(limiter.AttemptAcquire().IsAcquired);
        Assert.False(limiter.AttemptAcquire().IsAcquired);
    }

    [Fact]
    public void PartitionedRateLimiter_CreateChained_double_counts_what_ours_does_not()
    {
        // dotnet/runtime#113314: refused attempts still spend the earlier limiter's permits. The BCL limiters read the
        // real clock, so they are stepped by hand (see BclStep): the first is never replenished, the second once.
        using var perTenSeconds = new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions { PermitLimit = 5, Window = TimeSpan.FromTicks(1), AutoReplenishment = false });
        using var perSecond = new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions { PermitLimit = 2, Window = TimeSpan.FromTicks(1), AutoReplenishment = false });
        using PartitionedRateLimiter<int> chained = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<int, int>(_ => RateLimitPartition.Get(0, _ => perTenSeconds)),
            PartitionedRateLimiter.Create<int, int>(_ => RateLimitPartition.Get(0, _ => perSecond)));

        Assert.Equal(2, Enumerable.Range(0, 5).Count(_ => chained.AttemptAcquire(0).IsAcquired));
        BclStep.Replenish(perSecond);
        Assert.Equal(2, perSecond.GetStatistics()!.CurrentAvailablePermits);
        Assert.Equal(0, perTenSeconds.GetStatistics()!.CurrentAvailablePermits);
        Assert.False(chained.AttemptAcquire(0).IsAcquired);

        FakeTimeProvider clock = NewClock();
        using var ours = new StackedRateLimiter(new() { Limits = { new RateLimitPolicy(5, S(10)) { Kind = RateLimitKind.FixedWindow }, new RateLimitPolicy(2, S(1)) { Kind = RateLimitKind.FixedWindow } }, TimeProvider = clock });
        Assert.Equal(2, Enumerable.Range(0, 5).Count(_ => ours.AttemptAcquire().IsAcquired));
        clock.Advance(S(1));
        Assert.True(ours.AttemptAcquire().IsAcquired);
    }

    [Fact]
    public void RetryAfter_is_the_latest_of_the_limits()
    {
        FakeTimeProvider clock = NewClock();
        using var limiter = new StackedRateLimiter(new() { Limits = { new RateLimitPolicy(1, S(1)), new RateLimitPolicy(2, S(60)) }, TimeProvider = clock });
        limiter.AttemptAcquire();
        clock.Advance(S(1));
        limiter.AttemptAcquire();

        limiter.AttemptAcquire().TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter);

        Assert.Equal(S(59), retryAfter);
    }
}
