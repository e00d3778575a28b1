using System;
using StackExchange.Redis;

namespace Throttling.Redis;

/// <summary>Keeps a registry's budgets in Redis, shared by every process that uses the same key prefix.</summary>
public static class ThrottlingRegistryRedisExtensions
{
    /// <summary>
    /// Keeps every budget <paramref name="registry"/> hands out from now on in Redis: N processes together never exceed
    /// the declared slots and limits. Call it before the first client is constructed.
    /// </summary>
    /// <param name="registry">Usually <see cref="ThrottlingRegistry.Shared"/>.</param>
    /// <param name="connection">The connection; the registry does not dispose it.</param>
    /// <param name="configure">Sets <see cref="RedisBudgetOptions"/>; the defaults otherwise.</param>
    /// <returns>The registry.</returns>
    /// <exception cref="InvalidOperationException">The registry handed out a budget already (the message names the clients).</exception>
    public static ThrottlingRegistry UseRedis(this ThrottlingRegistry registry, IConnectionMultiplexer connection, Action<RedisBudgetOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(connection);
        var options = new RedisBudgetOptions();
        configure?.Invoke(options);
        return UseRedis(registry, connection, options);
    }

    /// <summary>Keeps the registry's budgets in Redis with <paramref name="options"/> as they are; AddThrottlingRedis's way in.</summary>
    internal static ThrottlingRegistry UseRedis(ThrottlingRegistry registry, IConnectionMultiplexer connection, RedisBudgetOptions options)
    {
        var budgets = new RedisBudgets(connection, options, registry.Metrics, registry.LoggerFactory);
        registry.UseStore(budgets, $"UseRedis (prefix {options.KeyPrefix})");

        // Nobody disposes the shared registry; at exit its releases under way still reach Redis, so slots free at once.
        if (ReferenceEquals(registry, ThrottlingRegistry.Shared))
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => budgets.Dispose();
        }

        return registry;
    }
}
