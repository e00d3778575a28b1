using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using Microsoft.Extensions.Logging;

namespace Throttling;

/// <summary>
/// Hands out one <see cref="ClientThrottle"/> per client name (and scope), so that every instance of a client, and every
/// instantiation of a generic one, shares one budget: a provider's limits belong to the account, not to an object.
/// </summary>
/// <remarks>
/// <see cref="Shared"/> serves clients constructed with <c>new ThrottledX(inner)</c>. Dependency injection
/// (<c>AddThrottled&lt;T&gt;()</c>) uses a registry of its container, which also reads configuration overrides, the
/// container's <see cref="TimeProvider"/>, logging and <see cref="IMeterFactory"/>. A process that mixes the two has two
/// budgets per client: pick one.
/// </remarks>
public sealed class ThrottlingRegistry : IDisposable
{
    private readonly Dictionary<(string Name, string? Scope), (ThrottlingPolicy Compiled, ClientThrottle Throttle)> _clients = new();
    private readonly TimeProvider _time;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly Func<string, ClientThrottlingOptions?>? _overrides;
    private readonly ThrottlingMetrics _metrics;
    private BudgetStoreFactory? _stores;

    /// <summary>Creates a registry.</summary>
    /// <param name="timeProvider">The clock of every budget; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="loggerFactory">Where 429s, cool-downs and rejections are logged; nowhere by default.</param>
    /// <param name="meterFactory">Creates the <c>Throttling</c> meter; a meter of the registry's own by default.</param>
    /// <param name="overrides">Configuration overrides by client name, applied when a budget is created.</param>
    public ThrottlingRegistry(
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null,
        Func<string, ClientThrottlingOptions?>? overrides = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        _loggerFactory = loggerFactory;
        _overrides = overrides;
        _metrics = new ThrottlingMetrics(meterFactory?.Create(new MeterOptions(ThrottlingMetrics.MeterName)), () => Clients);
    }

    /// <summary>The registry of clients constructed without dependency injection.</summary>
    public static ThrottlingRegistry Shared { get; } = new();

    /// <summary>The budgets handed out so far.</summary>
    public IReadOnlyCollection<ClientThrottle> Clients
    {
        get
        {
            lock (_clients)
            {
                return _clients.Values.Select(c => c.Throttle).ToArray();
            }
        }
    }

    /// <summary>
    /// The budget of the client <paramref name="policy"/> names, created from the policy (with configuration overrides)
    /// the first time it is asked for.
    /// </summary>
    /// <param name="policy">The client's compiled-in policy, such as <c>ThrottledSerpClient.Policy</c>.</param>
    /// <param name="scope">Names a separate budget of the same client, such as one per API key; null for the client's one budget.</param>
    /// <exception cref="InvalidOperationException">Another client of the same name, with other limits, already has a budget here.</exception>
    public ClientThrottle GetOrCreate(ThrottlingPolicy policy, string? scope = null)
    {
        if (policy is null)
        {
            throw new ArgumentNullException(nameof(policy));
        }

        lock (_clients)
        {
            if (_clients.TryGetValue((policy.Name, scope), out var existing))
            {
                // Two interfaces named alike in different namespaces must not silently share one budget.
                if (!ReferenceEquals(existing.Compiled, policy) && !existing.Compiled.SetsSameLimitsAs(policy))
                {
                    throw new InvalidOperationException(
                        $"Two clients are named \"{policy.Name}\" with different limits ({existing.Compiled} and {policy}), so they cannot share " +
                        "a budget, a configuration section and metrics. Rename one of the interfaces.");
                }

                return existing.Throttle;
            }

            ThrottlingPolicy effective = _overrides?.Invoke(policy.Name) is { IsEmpty: false } overrides ? PolicyOverrides.Apply(policy, overrides) : policy;
            var throttle = new ClientThrottle(effective, scope, _time, _metrics, _loggerFactory?.CreateLogger("Throttling"), _stores);
            _clients.Add((policy.Name, scope), (policy, throttle));
            return throttle;
        }
    }

    /// <summary>The registry's clock, logging and meter, for a budget store that needs them.</summary>
    internal TimeProvider Time => _time;

    internal ILoggerFactory? LoggerFactory => _loggerFactory;

    internal ThrottlingMetrics Metrics => _metrics;

    /// <summary>
    /// Keeps every budget handed out from now on in <paramref name="stores"/> (Throttling.Redis's <c>UseRedis</c>).
    /// Budgets handed out already stay where they are, so that is refused rather than silently splitting a client.
    /// </summary>
    /// <exception cref="InvalidOperationException">A budget was handed out already, or another store is in use.</exception>
    internal void UseStore(BudgetStoreFactory stores, string description)
    {
        lock (_clients)
        {
            if (_clients.Count != 0)
            {
                string names = string.Join(", ", _clients.Keys.Select(k => k.Scope is null ? k.Name : $"{k.Name} (scope {k.Scope})").OrderBy(n => n, StringComparer.Ordinal));
                throw new InvalidOperationException(
                    $"Budgets were handed out before {description} was set up: {names}. They stay in this process; call it before the first client is constructed.");
            }

            if (_stores is not null && !ReferenceEquals(_stores, stores))
            {
                throw new InvalidOperationException($"This registry keeps its budgets elsewhere already; {description} can be set up once.");
            }

            _stores = stores;
        }
    }

    /// <summary>Disposes every budget, failing the calls still waiting.</summary>
    public void Dispose()
    {
        foreach (ClientThrottle client in Clients)
        {
            client.Dispose();
        }

        (_stores as IDisposable)?.Dispose();
        _metrics.Dispose();
    }
}
