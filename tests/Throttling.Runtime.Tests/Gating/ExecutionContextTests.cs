using static Throttling.Tests.Times;

namespace Throttling.Tests.Gating;

// A call that waits is started by whichever thread freed its slot: it must still see its own caller's AsyncLocal
// values (a trace's Activity, a tenant), not that thread's. The first attempt's hand-written state machine keeps this
// because its builder captures the caller's context when it first waits.
public class ExecutionContextTests
{
    private static readonly AsyncLocal<string?> Caller = new();

    [Fact]
    public async Task A_call_that_waited_for_its_turn_starts_in_its_callers_context()
    {
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Serp") { Slots = new SlotPolicy(1) }, NewClock());
        var holder = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);

        Caller.Value = "holder";
        Task<string?> held = throttle.DefaultGate.RunAsync(holder, static h => h.Task);
        Task<string?>[] waiting = new[] { "first", "second" }.Select(name => RunAs(throttle, name)).ToArray();
        Caller.Value = "releaser";
        holder.SetResult(Caller.Value);

        Assert.Equal("releaser", await held);
        Assert.Equal(new[] { "first", "second" }, await Task.WhenAll(waiting));
        Assert.Equal(0, throttle.InFlight);
    }

    // Runs a call as `name` and returns the name the call saw when it started, after a yield, so that it runs on.
    private static Task<string?> RunAs(ClientThrottle throttle, string name)
    {
        Caller.Value = name;
        return throttle.DefaultGate.RunAsync(0, static _ => SeenAsync());
    }

    private static async Task<string?> SeenAsync()
    {
        string? seen = Caller.Value;
        await Task.Yield();
        return seen;
    }
}
