namespace Throttling.Tests.Gating;

public class AdaptiveSlotLimitTests
{
    private const double Unloaded = 0.1;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Against_a_server_that_takes_8_in_flight_20_adaptive_slots_settle_at_most_at_10_with_few_429s(int seed)
    {
        var simulation = new AdaptiveSimulation(ceiling: 20, minSlots: 1, capacity: _ => 8, latency: _ => Unloaded, seed);

        simulation.Run(500);

        Assert.InRange(simulation.Limit.Current, 6, 10);
        Assert.InRange(simulation.Throttled, 1, 20);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Latency_that_degrades_past_6_in_flight_is_found_from_below(int seed)
    {
        // Six at a time at full speed; past that every call waits for the ones ahead: throughput stays 6 per 100 ms.
        var simulation = new AdaptiveSimulation(ceiling: 30, minSlots: 1, capacity: _ => int.MaxValue, latency: n => Unloaded * Math.Max(1, n / 6.0), seed);

        simulation.Run(2000);

        double bound = 2000 * Unloaded / 6;
        Assert.True(simulation.MedianLatency() <= 2.5 * Unloaded, $"median {simulation.MedianLatency():F3} s " + string.Join(" ", simulation.Trace.Where((_, i) => i % 20 == 0).Select(t => $"{t.At:F1}:{t.Limit}")));
        Assert.True(simulation.Now <= 1.5 * bound, $"makespan {simulation.Now:F1} s against a bound of {bound:F1} s");
        Assert.Equal(0, simulation.Throttled);
        Assert.InRange(simulation.Limit.Current, 6, 12);
    }

    [Fact]
    public void A_server_that_recovers_gets_its_slots_back_within_a_bounded_time()
    {
        // The server takes 5 for the first 20 s, then 25.
        var simulation = new AdaptiveSimulation(ceiling: 30, minSlots: 2, capacity: t => t < 20 ? 5 : 25, latency: _ => Unloaded, seed: 7);

        simulation.Run(int.MaxValue, until: 45);

        Assert.All(simulation.Trace.Where(p => p.At is > 10 and < 20), p => Assert.InRange(p.Limit, 2, 6));
        double regained = simulation.Trace.First(p => p.At >= 20 && p.Limit >= 20).At;
        Assert.True(regained - 20 <= 10, $"back at 20 slots {regained - 20:F1} s after the server recovered");
    }

    [Fact]
    public void A_caller_cancelling_or_a_call_failing_on_its_own_changes_nothing()
    {
        var limit = new AdaptiveSlotLimit(ceiling: 10, floor: 4);

        Assert.False(limit.OnCallEnded(0, 1000, CallOutcome.Unknown, saturated: true));
        Assert.Equal(4, limit.Current);
    }

    [Fact]
    public void Losses_of_one_round_trip_shrink_the_limit_once_and_never_below_MinSlots()
    {
        var limit = new AdaptiveSlotLimit(ceiling: 40, floor: 3);
        long now = 0;
        while (limit.Current < 40)
        {
            limit.OnCallEnded(now += 100, 1000, CallOutcome.Succeeded, saturated: true);
        }

        // A round trip is about the baseline latency (1000 ticks): three losses inside one count once.
        limit.OnCallEnded(now, 1000, CallOutcome.Overloaded, saturated: true);
        limit.OnCallEnded(now + 10, 1000, CallOutcome.Overloaded, saturated: true);
        limit.OnCallEnded(now + 20, 1000, CallOutcome.Overloaded, saturated: true);
        Assert.Equal(32, limit.Current);

        for (int i = 1; i <= 30; i++)
        {
            limit.OnCallEnded(now + (i * 2000), 1000, CallOutcome.Overloaded, saturated: true);
        }

        Assert.Equal(3, limit.Current);
    }

    [Fact]
    public void Growth_needs_the_slots_in_use_to_be_full()
    {
        var limit = new AdaptiveSlotLimit(ceiling: 10, floor: 2);
        for (int i = 0; i < 100; i++)
        {
            limit.OnCallEnded(i * 100, 1000, CallOutcome.Succeeded, saturated: false);
        }

        Assert.Equal(2, limit.Current);
    }

    [Fact]
    public void A_shared_limit_another_process_lowered_is_followed_and_stands_for_this_ones_decrease_for_a_round_trip()
    {
        var limit = new AdaptiveSlotLimit(ceiling: 40, floor: 1);
        long now = 0;
        while (limit.Current < 16)
        {
            limit.OnCallEnded(now += 100, 1000, CallOutcome.Succeeded, saturated: true);
        }

        Assert.True(limit.Follow(now, 10));
        Assert.Equal(10, limit.Current);

        // The same overload, seen here within the round trip: already answered by the other process's decrease.
        limit.OnCallEnded(now + 10, 1000, CallOutcome.Overloaded, saturated: true);
        Assert.Equal(10, limit.Current);

        // Slow start is over: a full round trip at 10 grows it by about one, not to 20.
        for (int i = 1; i <= 10; i++)
        {
            limit.OnCallEnded(now + 2000 + i, 1000, CallOutcome.Succeeded, saturated: true);
        }

        Assert.Equal(10, limit.Current);
        Assert.False(limit.Follow(now, 10));
        Assert.True(limit.Follow(now, 99));
        Assert.Equal(40, limit.Current);
    }
}
