using System;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Throttling.Redis;

/// <summary>Keeps the budgets of the container's <see cref="ThrottlingRegistry"/> in Redis.</summary>
public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// Keeps every budget of the container's registry in Redis, connecting to <paramref name="configuration"/> (such as
    /// <c>"127.0.0.1:6379"</c>) when the registry is first needed.
    /// </summary>
    /// <param name="services">The services; <c>AddThrottling</c> is called if it was not.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string.</param>
    /// <param name="configure">Sets <see cref="RedisBudgetOptions"/>; the defaults otherwise.</param>
    public static IServiceCollection AddThrottlingRedis(this IServiceCollection services, string configuration, Action<RedisBudgetOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(configuration);
        var connection = new Lazy<ConnectionMultiplexer>(() => ConnectionMultiplexer.Connect(WithoutFailingStart(configuration)));
        return AddThrottlingRedis(services, _ => connection.Value, configure);
    }

    /// <summary>Keeps every budget of the container's registry in Redis, through the <see cref="IConnectionMultiplexer"/> registered in it.</summary>
    /// <param name="services">The services; <c>AddThrottling</c> is called if it was not.</param>
    public static IServiceCollection AddThrottlingRedis(this IServiceCollection services)
        => AddThrottlingRedis(services, sp => sp.GetRequiredService<IConnectionMultiplexer>(), null);

    /// <summary>Keeps every budget of the container's registry in Redis, through the <see cref="IConnectionMultiplexer"/> registered in it.</summary>
    /// <param name="services">The services; <c>AddThrottling</c> is called if it was not.</param>
    /// <param name="configure">Sets <see cref="RedisBudgetOptions"/>.</param>
    public static IServiceCollection AddThrottlingRedis(this IServiceCollection services, Action<RedisBudgetOptions> configure)
        => AddThrottlingRedis(services, sp => sp.GetRequiredService<IConnectionMultiplexer>(), configure ?? throw new ArgumentNullException(nameof(configure)));

    private static IServiceCollection AddThrottlingRedis(IServiceCollection services, Func<IServiceProvider, IConnectionMultiplexer> connection, Action<RedisBudgetOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new RedisBudgetOptions();
        configure?.Invoke(options);
        services.AddThrottling();
        services.AddSingleton(new ThrottlingRegistrySetup((registry, sp) => ThrottlingRegistryRedisExtensions.UseRedis(registry, connection(sp), options)));
        return services;
    }

    // A process that starts while Redis is down still starts, on its local share, and connects when Redis is back.
    private static ConfigurationOptions WithoutFailingStart(string configuration)
    {
        ConfigurationOptions options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        return options;
    }
}
