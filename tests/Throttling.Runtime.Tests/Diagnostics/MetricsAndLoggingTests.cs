using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using static Throttling.Tests.ScriptedResponses;
using static Throttling.Tests.Times;

namespace Throttling.Tests.Diagnostics;

public class MetricsAndLoggingTests
{
    [Fact]
    public async Task A_retried_429_is_counted_logged_and_tagged_with_the_client()
    {
        FakeTimeProvider clock = NewClock();
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)));
        using var meters = new TestMeterFactory();
        using var registry = new ThrottlingRegistry(clock, loggerFactory, meters);
        ClientThrottle throttle = registry.GetOrCreate(new ThrottlingPolicy("Metered") { Slots = new SlotPolicy(2) });
        using var throttles = Collect<long>(meters, "throttling.client.server_throttles");
        using var retries = Collect<long>(meters, "throttling.client.retries");
        using var coolDowns = Collect<long>(meters, "throttling.client.cooldowns");
        var script = new ScriptedResponses(clock, Respond(TooMany(after: S(3))), Ok());

        Task<HttpResponseMessage> call = throttle.DefaultGate.RunAsync(script, static s => s.Call(), ServerThrottle.HttpResponse);
        await Eventually.TrueAsync(() => throttle.CoolDownRemaining == S(3), "backing off");
        clock.Advance(S(3));
        await call;

        Assert.Equal(1, Assert.Single(For(throttles, "Metered")).Value);
        Assert.Equal(1, Assert.Single(For(retries, "Metered")).Value);
        Assert.Equal(1, Assert.Single(For(coolDowns, "Metered")).Value);
        Assert.Contains(logs.GetSnapshot(), r => r.Id.Name == "ServerThrottled" && r.Message == "Metered: the server throttled a call (Retry-After 3 s)");
        Assert.Contains(logs.GetSnapshot(), r => r.Id.Name == "CoolDownStarted" && r.Level == LogLevel.Warning && r.Message == "Metered: new calls pause for 3 s, as the server asked");
    }

    [Fact]
    public async Task Rejections_under_overload_are_logged_once_per_interval_with_a_count_of_the_rest()
    {
        FakeTimeProvider clock = NewClock();
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)));
        using var registry = new ThrottlingRegistry(clock, loggerFactory);
        ClientThrottle throttle = registry.GetOrCreate(new ThrottlingPolicy("Busy") { Slots = new SlotPolicy(1) { QueueLimit = 1 } });
        var calls = new ControlledCalls<int>(clock);
        _ = throttle.DefaultGate.RunAsync(calls, static c => c.Call(0));
        _ = throttle.DefaultGate.RunAsync(calls, static c => c.Call(1));

        for (int i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<ThrottlingRejectedException>(() => throttle.DefaultGate.RunAsync(calls, static c => c.Call(2)));
        }

        clock.Advance(S(10));
        await Assert.ThrowsAsync<ThrottlingRejectedException>(() => throttle.DefaultGate.RunAsync(calls, static c => c.Call(2)));

        string[] logged = logs.GetSnapshot().Where(r => r.Id.Name == "Rejected").Select(r => r.Message).ToArray();
        Assert.Equal(
            new[]
            {
                "Busy rejected a call: 1 caller already waits for their turn under 1 slot, and its QueueLimit is 1.",
                "Busy rejected a call: 1 caller already waits for their turn under 1 slot, and its QueueLimit is 1. (4 more calls were rejected since the last report)",
            },
            logged);
    }

    [Fact]
    public async Task Rejections_carry_their_reason_and_gauges_report_in_flight_and_queued()
    {
        FakeTimeProvider clock = NewClock();
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)));
        using var meters = new TestMeterFactory();
        using var registry = new ThrottlingRegistry(clock, loggerFactory, meters);
        ClientThrottle throttle = registry.GetOrCreate(new ThrottlingPolicy("Gauged") { Slots = new SlotPolicy(1) { QueueLimit = 1 } });
        using var rejections = Collect<long>(meters, "throttling.client.rejections");
        using var active = Collect<int>(meters, "throttling.client.active_calls");
        using var queued = Collect<int>(meters, "throttling.client.queued_calls");
        using var slotLimit = Collect<int>(meters, "throttling.client.slot_limit");
        using var waits = Collect<double>(meters, "throttling.client.wait.duration");
        var calls = new ControlledCalls<int>(clock);

        _ = throttle.DefaultGate.RunAsync(calls, static c => c.Call(0));
        Task<int> waiting = throttle.DefaultGate.RunAsync(calls, static c => c.Call(1));
        await Assert.ThrowsAsync<ThrottlingRejectedException>(() => throttle.DefaultGate.RunAsync(calls, static c => c.Call(2)));
        active.RecordObservableInstruments();
        queued.RecordObservableInstruments();

        CollectedMeasurement<long> rejection = Assert.Single(For(rejections, "Gauged"));
        Assert.Equal("queue_full", rejection.Tags["throttling.rejection.reason"]);
        Assert.Equal(1, For(active, "Gauged").Last().Value);
        Assert.Equal(1, For(queued, "Gauged").Last().Value);
        slotLimit.RecordObservableInstruments();
        Assert.Equal(1, For(slotLimit, "Gauged").Last().Value);
        Assert.Contains(logs.GetSnapshot(), r => r.Id.Name == "Rejected");

        clock.Advance(S(4));
        calls.Complete(0, 0);
        await Eventually.TrueAsync(() => calls.Started == 2, "the waiter starts");
        Assert.Equal(4, Assert.Single(For(waits, "Gauged")).Value);
    }

    [Fact]
    public async Task Gauges_sum_the_scoped_budgets_of_a_client_into_one_series()
    {
        using var meters = new TestMeterFactory();
        using var registry = new ThrottlingRegistry(NewClock(), meterFactory: meters);
        var policy = new ThrottlingPolicy("Keyed") { Slots = new SlotPolicy(2) };
        using var active = Collect<int>(meters, "throttling.client.active_calls");
        var calls = new ControlledCalls<int>();

        _ = registry.GetOrCreate(policy, scope: "key-a").DefaultGate.RunAsync(calls, static c => c.Call(0));
        _ = registry.GetOrCreate(policy, scope: "key-b").DefaultGate.RunAsync(calls, static c => c.Call(1));
        _ = registry.GetOrCreate(policy, scope: "key-b").DefaultGate.RunAsync(calls, static c => c.Call(2));
        active.RecordObservableInstruments();

        Assert.Equal(3, Assert.Single(For(active, "Keyed")).Value);
        calls.Complete(0, 0);
        calls.Complete(1, 1);
        calls.Complete(2, 2);
        await Eventually.TrueAsync(() => registry.Clients.All(c => c.InFlight == 0), "the calls end");
    }

    [Fact]
    public async Task A_call_refused_while_the_server_cools_the_client_down_is_tagged_server_cooldown_and_the_local_store()
    {
        FakeTimeProvider clock = NewClock();
        using var meters = new TestMeterFactory();
        using var registry = new ThrottlingRegistry(clock, meterFactory: meters);
        ClientThrottle throttle = registry.GetOrCreate(new ThrottlingPolicy("Refused") { Slots = new SlotPolicy(2) });
        using var rejections = Collect<long>(meters, "throttling.client.rejections");

        await Assert.ThrowsAsync<TooManyRequestsException>(() => throttle.DefaultGate.RunAsync(0, _ => Task.FromException(new TooManyRequestsException(TimeSpan.FromHours(1)))));
        await Assert.ThrowsAsync<ThrottlingRejectedException>(() => throttle.DefaultGate.RunAsync(0, _ => Task.CompletedTask));

        CollectedMeasurement<long> rejection = Assert.Single(For(rejections, "Refused"));
        Assert.Equal("server_cooldown", rejection.Tags["throttling.rejection.reason"]);
        Assert.Equal("local", rejection.Tags["throttling.budget.store"]);
    }

    private static MetricCollector<T> Collect<T>(TestMeterFactory meters, string instrument)
        where T : struct
        => new(meters, ThrottlingMetrics.MeterName, instrument);

    // Measurements of this client only, tagged as dashboards filter them.
    private static IEnumerable<CollectedMeasurement<T>> For<T>(MetricCollector<T> collector, string client)
        where T : struct
        => collector.GetMeasurementSnapshot().Where(m => Equals(m.Tags["throttling.client.name"], client));
}
