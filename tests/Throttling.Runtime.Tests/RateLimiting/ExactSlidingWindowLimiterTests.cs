using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using static Throttling.Tests.Times;
using Throttling.RateLimiting;

namespace Throttling.Tests.RateLimiting;

public class ExactSlidingWindowLimiterTests
{
    [Fact]
    public void A_permit_returns_exactly_one_window_after_it_was_taken()
    {
        FakeTimeProvider clock = NewClock();
        using var limiter = new ExactSlidingWindowLimiter(new() { PermitLimit = 3, Window = S(1), TimeProvider = clock });

        Assert.True(limiter.AttemptAcquire().IsAcquired);
        clock.Advance(Ms(400));
        Assert.True(limiter.AttemptAcquire(2).IsAcquired);

        RateLimitLease refused = limiter.AttemptAcquire();
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter));
        Assert.Equal(Ms(600), retryAfter);

        clock.Advance(Ms(600) - TimeSpan.FromTicks(1));
        Assert.False(limiter.AttemptAcquire().IsAcquired);
        clock.Advance(TimeSpan.FromTicks(1));
        Assert.True(limiter.AttemptAcquire().IsAcquired);
        Assert.False(limiter.AttemptAcquire().IsAcquired);
    }

    [Fact]
    public void RetryAfter_for_several_permits_waits_for_enough_of_them()
    {
        FakeTimeProvider clock = NewClock();
        using var limiter = new ExactSlidingWindowLimiter(new() { PermitLimit = 3, Window = S(1), TimeProvider = clock });
        limiter.AttemptAcquire();
        clock.Advance(Ms(100));
        limiter.AttemptAcquire();
        clock.Advance(Ms(100));
        limiter.AttemptAcquire();

        limiter.AttemptAcquire(2).TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter);

        // The first two starts (at 0 and 100 ms) must leave the window: at 1100 ms, 900 ms from now.
        Assert.Equal(Ms(900), retryAfter);
    }

    [Fact]
    public void The_BCL_segmented_window_lets_twice_the_limit_through_one_window_and_ours_does_not()
    {
        // Same demand for both: 4 starts at 490 ms, then 4 more as soon as each limiter allows. The BCL limiter reads
        // the real clock, so it is stepped by hand: a window of two ticks makes each TryReplenish one segment step,
        // standing for the 500 ms segments of a 1 s window (the segment bookkeeping does not depend on the length).
        using var bcl = new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
        {
            PermitLimit = 4,
            Window = TimeSpan.FromTicks(2),
            SegmentsPerWindow = 2,
            AutoReplenishment = false,
        });
        var bclStarts = new List<TimeSpan>();
        for (int i = 0; i < 4; i++)
        {
            Assert.True(bcl.AttemptAcquire().IsAcquired);
            bclStarts.Add(Ms(490));
        }

        // Segment steps at 500 and 1000 ms.
        BclStep.Replenish(bcl);
        Assert.False(bcl.AttemptAcquire().IsAcquired);
        BclStep.Replenish(bcl);
        for (int i = 0; i < 4; i++)
        {
            Assert.True(bcl.AttemptAcquire().IsAcquired);
            bclStarts.Add(Ms(1000));
        }

        Assert.Equal(8, MaxStartsInAnyWindow(bclStarts, S(1)));

        FakeTimeProvider clock = NewClock();
        using var ours = new ExactSlidingWindowLimiter(new() { PermitLimit = 4, Window = S(1), TimeProvider = clock });
        var ourStarts = new List<TimeSpan>();
        clock.Advance(Ms(490));
        while (ourStarts.Count < 8)
        {
            if (ours.AttemptAcquire().IsAcquired)
            {
                ourStarts.Add(clock.GetUtcNow() - Start);
            }
            else
            {
                clock.Advance(Ms(1));
            }
        }

        Assert.Equal(4, MaxStartsInAnyWindow(ourStarts, S(1)));
        Assert.Equal(Ms(1490), ourStarts[4]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(12)]
    public async Task Random_arrivals_never_exceed_the_limit_in_any_window_and_leave_no_permit_unused(int seed)
    {
        var random = new Random(seed);
        int permits = random.Next(1, 6);
        TimeSpan window = Ms(random.Next(20, 300));
        FakeTimeProvider clock = NewClock();
        using var limiter = new ExactSlidingWindowLimiter(new() { PermitLimit = permits, Window = window, TimeProvider = clock });

        var arrivals = new List<TimeSpan>();
        TimeSpan at = TimeSpan.Zero;
        for (int i = 0; i < 150; i++)
        {
            // Bursts and lulls: most gaps are short, some are longer than the window.
            at += Ms(random.Next(0, 4) == 0 ? random.Next(0, (int)window.TotalMilliseconds * 2) : random.Next(0, 5));
            arrivals.Add(at);
        }

        var pending = new List<(int Index, Task<RateLimitLease> Lease)>();
        var granted = new TimeSpan[arrivals.Count];
        int next = 0;
        while (next < arrivals.Count || pending.Count > 0)
        {
            TimeSpan now = clock.GetUtcNow() - Start;
            while (next < arrivals.Count && arrivals[next] == now)
            {
                pending.Add((next, limiter.AcquireAsync().AsTask()));
                next++;
            }

            // Completion is set synchronously by the grant, so a 1 ms step stamps each grant with its exact time.
            foreach ((int index, Task<RateLimitLease> lease) in pending.Where(p => p.Lease.IsCompleted).ToArray())
            {
                Assert.True((await lease).IsAcquired);
                granted[index] = now;
                pending.Remove((index, lease));
            }

            clock.Advance(Ms(1));
        }

        // First in, first out, each as early as the limit allows: after its arrival, after the previous grant, and one
        // window after the grant `permits` places earlier.
        for (int i = 0; i < granted.Length; i++)
        {
            TimeSpan earliest = arrivals[i];
            if (i > 0)
            {
                earliest = Max(earliest, granted[i - 1]);
            }

            if (i >= permits)
            {
                earliest = Max(earliest, granted[i - permits] + window);
            }

            Assert.Equal(earliest, granted[i]);
        }

        Assert.True(MaxStartsInAnyWindow(granted, window) <= permits);
    }

    [Fact]
    public void A_million_a_day_keeps_a_bounded_ring_and_still_never_exceeds_the_limit()
    {
        var ledger = new SlidingWindowLedger(new RateLimitPolicy(1_000_000, TimeSpan.FromDays(1)));
        long now = 0;
        int taken = 0;
        for (int i = 0; i < 300_000; i++)
        {
            now += TimeSpan.TicksPerSecond / 10;
            if (ledger.ReadyAt(now, 1) == now)
            {
                ledger.Take(now, 1);
                taken++;
            }
        }

        Assert.Equal(300_000, taken);
        Assert.InRange(ledger.RunCount, 1, SlidingWindowLedger.MaxExactRuns + 1);
        Assert.Equal(1_000_000 - 300_000, ledger.Available(now));
    }

    [Fact]
    public void Rounded_starts_return_their_permits_at_most_one_grid_step_late()
    {
        var ledger = new SlidingWindowLedger(new RateLimitPolicy(1_000_000, TimeSpan.FromDays(1)));
        long grid = TimeSpan.FromDays(1).Ticks / SlidingWindowLedger.MaxExactRuns;
        ledger.Take(1, 1_000_000);

        long readyAt = ledger.ReadyAt(2, 1);

        Assert.InRange(readyAt, 1 + TimeSpan.TicksPerDay, 1 + TimeSpan.TicksPerDay + grid);
    }

    internal static int MaxStartsInAnyWindow(IReadOnlyList<TimeSpan> starts, TimeSpan window)
    {
        var sorted = starts.OrderBy(s => s).ToArray();
        int max = 0;
        for (int first = 0, last = 0; last < sorted.Length; last++)
        {
            while (sorted[last] - sorted[first] >= window)
            {
                first++;
            }

            max = Math.Max(max, last - first + 1);
        }

        return max;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
