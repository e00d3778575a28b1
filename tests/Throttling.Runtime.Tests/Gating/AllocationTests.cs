using System.Net;
using System.Net.Http;
using static Throttling.Tests.Times;

namespace Throttling.Tests.Gating;

// The point is to look at calls that completed synchronously, without awaiting (which would itself allocate).
#pragma warning disable CA2012, xUnit1031

public class AllocationTests
{
    private static readonly Task<int> Completed = Task.FromResult(42);
    private static readonly Task<HttpResponseMessage> Ok = Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));

    [Fact]
    public void A_call_admitted_at_once_allocates_nothing_on_any_shape()
    {
        var policy = new ThrottlingPolicy("Alloc") { Slots = new SlotPolicy(4), RateLimits = new[] { new RateLimitPolicy(1_000_000, S(1)), new RateLimitPolicy(10_000_000, TimeSpan.FromDays(1)) } };
        using var throttle = new ClientThrottle(policy, NewClock());
        CallGate gate = throttle.DefaultGate;

        long allocated = AllocatedBy(() =>
        {
            _ = gate.RunAsync(Completed, static t => t).Result;
            _ = gate.RunAsync(Ok, static t => t, ServerThrottle.HttpResponse).Result;
            gate.RunAsync(Completed, static t => (Task)t).Wait();
            _ = gate.RunAsync(42, static n => new ValueTask<int>(n)).Result;
            _ = gate.RunAsync(0, static _ => default(ValueTask));
        });

        Assert.Equal(0, allocated);
        Assert.Equal(0, throttle.InFlight);
    }

    [Fact]
    public void A_call_that_has_to_wait_allocates_its_place_in_the_queue_and_no_more()
    {
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Alloc") { Slots = new SlotPolicy(1) }, NewClock());
        var pending = new TaskCompletionSource<int>();
        _ = throttle.DefaultGate.RunAsync(pending, static p => p.Task);

        // Per waiting call, while none ends to hand its admission on: the admission and the call's task (352 B, in Debug
        // and Release builds alike); bounded so that a per-call cost creeping into the queue shows here first.
        long perCall = AllocatedBy(() => _ = throttle.DefaultGate.RunAsync(Completed, static t => t)) / 1000;

        Assert.InRange(perCall, 1, 384);
    }

    [Fact]
    public void A_call_still_running_costs_one_task_of_the_size_of_its_state()
    {
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Alloc") { Slots = new SlotPolicy(1_000_000) }, NewClock());
        CallGate gate = throttle.DefaultGate;
        long call = SteadyAllocatedBy(() => _ = Running()) / 1000;
        long gated = SteadyAllocatedBy(() => _ = gate.RunAsync(0, static _ => Running())) / 1000;

        // The first attempt's task, holding the gate, the call and its state, its ticket and the wait for its turn: 160 B on
        // 64 bits (its compiler-written state machine took 200 B in Release, 264 B in Debug). Every call that waits or
        // runs on pays it, so a field that creeps in shows here.
        Assert.InRange(gated - call, 1, 160);
    }

    [Fact]
    public void A_void_call_still_running_costs_no_more_than_one_returning_a_result()
    {
        // Every shape that has not completed at once runs through one attempt loop on plain tasks; a void shape used to
        // pay for a wrapper task of its own on top.
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Alloc") { Slots = new SlotPolicy(1_000_000) }, NewClock());
        CallGate gate = throttle.DefaultGate;

        // A task of its own for each call (the same cost in every shape): one shared task would grow its continuation list.
        // Each shape is measured once before it counts: its first thousand calls also pay for loading its types.
        long task = SteadyAllocatedBy(() => _ = gate.RunAsync(0, static _ => Running()));
        long voidTask = SteadyAllocatedBy(() => _ = gate.RunAsync(0, static _ => (Task)Running()));
        long valueTask = SteadyAllocatedBy(() => _ = gate.RunAsync(0, static _ => new ValueTask<int>(Running())));
        long voidValueTask = SteadyAllocatedBy(() => _ = gate.RunAsync(0, static _ => new ValueTask(Running())));

        // Within a word or two: the loop's state machine differs by its result's size.
        const long Slack = 16 * 1000;
        Assert.True(voidTask <= task + Slack, $"Task: {voidTask / 1000} B per call, Task<int>: {task / 1000} B");
        Assert.True(voidValueTask <= valueTask + Slack, $"ValueTask: {voidValueTask / 1000} B per call, ValueTask<int>: {valueTask / 1000} B");
    }

    [Fact]
    public async Task A_waiting_call_reuses_the_admission_of_one_that_was_admitted_before()
    {
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Alloc") { Slots = new SlotPolicy(1) }, NewClock());
        await WaitOnceAsync(throttle);

        var holder = new TaskCompletionSource<int>();
        Task<int> held = throttle.DefaultGate.RunAsync(holder, static h => h.Task);
        Task<int>? reusing = null;
        Task<int>? fresh = null;
        long withReusedAdmission = AllocatedOnce(() => reusing = throttle.DefaultGate.RunAsync(Completed, static t => t));
        long withNewAdmission = AllocatedOnce(() => fresh = throttle.DefaultGate.RunAsync(Completed, static t => t));

        Assert.True(withReusedAdmission < withNewAdmission, $"{withReusedAdmission} B with a reused admission, {withNewAdmission} B with a new one");
        holder.SetResult(0);
        await Task.WhenAll(held, reusing!, fresh!);
        Assert.Equal(0, throttle.InFlight);
    }

    // One call waits behind another and is admitted, leaving its admission for the next.
    private static async Task WaitOnceAsync(ClientThrottle throttle)
    {
        var holder = new TaskCompletionSource<int>();
        Task<int> held = throttle.DefaultGate.RunAsync(holder, static h => h.Task);
        Task<int> waiting = throttle.DefaultGate.RunAsync(Completed, static t => t);
        holder.SetResult(0);
        await Task.WhenAll(held, waiting);
    }

    private static long AllocatedOnce(Action call)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        call();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static Task<int> Running() => new TaskCompletionSource<int>().Task;

    private static long SteadyAllocatedBy(Action call)
    {
        _ = AllocatedBy(call);
        return AllocatedBy(call);
    }

    private static long AllocatedBy(Action call)
    {
        for (int i = 0; i < 100; i++)
        {
            call();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            call();
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
