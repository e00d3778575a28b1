using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;

namespace Throttling;

/// <summary>
/// The <c>Throttling</c> meter's instruments, named by OpenTelemetry conventions and tagged with
/// <c>throttling.client.name</c> and <c>throttling.budget.store</c> (<c>local</c>, or <c>redis</c> for budgets shared
/// between processes). Gauges are observed from the registry's clients, so the call path pays nothing for them.
/// </summary>
internal sealed class ThrottlingMetrics : IDisposable
{
    public const string MeterName = "Throttling";
    public const string ClientTag = "throttling.client.name";
    public const string ReasonTag = "throttling.rejection.reason";
    public const string StoreTag = "throttling.budget.store";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _serverThrottles;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _coolDowns;
    private readonly Counter<long> _rejections;
    private readonly Histogram<double> _waitDuration;

    public ThrottlingMetrics(Meter? meter, Func<IEnumerable<ClientThrottle>> clients)
    {
        _ownsMeter = meter is null;
        _meter = meter ?? new Meter(MeterName);
        _meter.CreateObservableUpDownCounter(
            "throttling.client.active_calls",
            () => Observe(clients(), c => c.InFlight),
            unit: "{call}",
            description: "Calls of the client in flight now.");
        _meter.CreateObservableUpDownCounter(
            "throttling.client.queued_calls",
            () => Observe(clients(), c => c.Waiting),
            unit: "{call}",
            description: "Calls of the client waiting for their turn now.");
        _meter.CreateObservableGauge(
            "throttling.client.slot_limit",
            () => Observe(clients().Where(c => c.Policy.Slots is not null), c => c.SlotLimit),
            unit: "{call}",
            description: "Calls of the client that may be in flight now: the slot count, or the live limit of adaptive slots.");
        _waitDuration = _meter.CreateHistogram<double>(
            "throttling.client.wait.duration",
            unit: "s",
            description: "How long calls waited for their turn before starting.");
        _serverThrottles = _meter.CreateCounter<long>(
            "throttling.client.server_throttles",
            unit: "{response}",
            description: "Calls the server throttled (HTTP 429 and equivalents).");
        _retries = _meter.CreateCounter<long>(
            "throttling.client.retries",
            unit: "{retry}",
            description: "Throttled calls retried.");
        _coolDowns = _meter.CreateCounter<long>(
            "throttling.client.cooldowns",
            unit: "{cooldown}",
            description: "Times the client paused new starts because the server throttled a call.");
        _rejections = _meter.CreateCounter<long>(
            "throttling.client.rejections",
            unit: "{call}",
            description: "Calls refused because the queue was full or the wait too long.");
    }

    /// <summary>Whether anyone listens to wait durations; when nobody does, waits need not be timed.</summary>
    public bool MeasuresWaits => _waitDuration.Enabled;

    /// <summary>The meter, for the instruments a budget store adds (Throttling.Redis).</summary>
    public Meter Meter => _meter;

    public void Waited(string client, string store, TimeSpan wait)
    {
        if (_waitDuration.Enabled)
        {
            _waitDuration.Record(wait.TotalSeconds, new KeyValuePair<string, object?>(ClientTag, client), new KeyValuePair<string, object?>(StoreTag, store));
        }
    }

    public void ServerThrottled(string client, string store) => _serverThrottles.Add(1, new KeyValuePair<string, object?>(ClientTag, client), new KeyValuePair<string, object?>(StoreTag, store));

    public void Retried(string client, string store) => _retries.Add(1, new KeyValuePair<string, object?>(ClientTag, client), new KeyValuePair<string, object?>(StoreTag, store));

    public void CooledDown(string client, string store) => _coolDowns.Add(1, new KeyValuePair<string, object?>(ClientTag, client), new KeyValuePair<string, object?>(StoreTag, store));

    public void Rejected(string client, string store, RejectionReason reason)
        => _rejections.Add(
            1,
            new KeyValuePair<string, object?>(ClientTag, client),
            new KeyValuePair<string, object?>(StoreTag, store),
            new KeyValuePair<string, object?>(ReasonTag, reason switch
            {
                RejectionReason.QueueFull => "queue_full",
                RejectionReason.ServerCoolDown => "server_cooldown",
                RejectionReason.BudgetUnavailable => "budget_unavailable",
                _ => "max_wait",
            }));

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    // One measurement per client name: the scoped budgets of a client (one per API key, say) are summed, so that the
    // series stay unique without putting user-chosen scopes into tags.
    private static IEnumerable<Measurement<int>> Observe(IEnumerable<ClientThrottle> clients, Func<ClientThrottle, int> read)
    {
        var totals = new Dictionary<(string Name, string Store), int>();
        foreach (ClientThrottle client in clients)
        {
            var key = (client.Name, client.Store.Kind);
            totals.TryGetValue(key, out int total);
            totals[key] = total + read(client);
        }

        foreach (KeyValuePair<(string Name, string Store), int> total in totals)
        {
            yield return new Measurement<int>(
                total.Value,
                new KeyValuePair<string, object?>(ClientTag, total.Key.Name),
                new KeyValuePair<string, object?>(StoreTag, total.Key.Store));
        }
    }
}
