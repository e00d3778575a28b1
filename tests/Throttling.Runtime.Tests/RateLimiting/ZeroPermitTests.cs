using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using static Throttling.Tests.Times;
using Throttling.RateLimiting;

namespace Throttling.Tests.RateLimiting;

/// <summary>RateLimiter's contract for zero permits: asking reports availability, waiting waits for it, neither takes any.</summary>
public class ZeroPermitTests
{
    public static TheoryData<string> Kinds => new() { "sliding", "fixed", "bucket" };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Zero_permits_report_and_wait_for_availability_without_taking_any(string kind)
    {
        FakeTimeProvider clock = NewClock();
        using RateLimiter limiter = kind switch
        {
            "sliding" => new ExactSlidingWindowLimiter(new() { PermitLimit = 1, Window = S(10), TimeProvider = clock }),
            "fixed" => new UtcFixedWindowLimiter(new() { PermitLimit = 1, Window = S(10), TimeProvider = clock }),
            _ => new SmoothTokenBucketLimiter(new() { PermitLimit = 1, Window = S(10), TimeProvider = clock }),
        };

        Assert.True(limiter.AttemptAcquire(0).IsAcquired);
        Assert.True(limiter.AttemptAcquire(1).IsAcquired);
        Assert.False(limiter.AttemptAcquire(0).IsAcquired);

        ValueTask<RateLimitLease> waiting = limiter.AcquireAsync(0);
        Assert.False(waiting.IsCompleted);
        clock.Advance(S(10));
        Assert.True((await waiting).IsAcquired);

        // Zero took nothing: the permit is still there for a real start.
        Assert.True(limiter.AttemptAcquire(1).IsAcquired);
    }
}
