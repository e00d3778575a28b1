using System.Threading.RateLimiting;
using Throttling.RateLimiting;
using static Throttling.Tests.Times;

namespace Throttling.Tests.RateLimiting;

public class LimiterOptionsTests
{
    [Fact]
    public void Options_are_copied_when_the_limiter_is_created()
    {
        var options = new ExactSlidingWindowLimiterOptions { PermitLimit = 1, Window = S(1), TimeProvider = NewClock() };
        using var limiter = new ExactSlidingWindowLimiter(options);
        options.PermitLimit = 100;

        Assert.True(limiter.AttemptAcquire().IsAcquired);
        Assert.False(limiter.AttemptAcquire().IsAcquired);
        Assert.Equal(1, Assert.Single(limiter.Limits).Permits);
    }

    [Theory]
    [InlineData(0, 1_000, int.MaxValue, "PermitLimit must be at least 1.")]
    [InlineData(1, 0, int.MaxValue, "Window must be positive.")]
    [InlineData(1, 1_000, -1, "QueueLimit must be 0 or more.")]
    public void Bad_options_name_the_value_that_is_wrong(int permits, int windowMs, int queueLimit, string expected)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new UtcFixedWindowLimiter(new() { PermitLimit = permits, Window = Ms(windowMs), QueueLimit = queueLimit }));

        Assert.Equal("options", error.ParamName);
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stacked_limiter_needs_a_limit()
    {
        var error = Assert.Throws<ArgumentException>(() => new StackedRateLimiter(new()));

        Assert.Contains("at least one limit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_limiter_is_a_BCL_rate_limiter()
    {
        RateLimiter[] limiters =
        {
            new ExactSlidingWindowLimiter(new() { PermitLimit = 1, Window = S(1) }),
            new UtcFixedWindowLimiter(new() { PermitLimit = 1, Window = S(1) }),
            new SmoothTokenBucketLimiter(new() { PermitLimit = 1, Window = S(1) }),
            new StackedRateLimiter(new() { Limits = { new RateLimitPolicy(1, S(1)) } }),
        };

        Assert.All(limiters, l => Assert.True(l.AttemptAcquire().IsAcquired));
        Array.ForEach(limiters, l => l.Dispose());
    }
}
