using System;

namespace Throttling;

/// <summary>
/// Runs on the container's <see cref="ThrottlingRegistry"/> as it is created, before any budget is handed out; how
/// Throttling.Redis's <c>AddThrottlingRedis</c> moves the budgets into Redis.
/// </summary>
internal sealed class ThrottlingRegistrySetup
{
    private readonly Action<ThrottlingRegistry, IServiceProvider> _configure;

    public ThrottlingRegistrySetup(Action<ThrottlingRegistry, IServiceProvider> configure) => _configure = configure;

    public void Configure(ThrottlingRegistry registry, IServiceProvider services) => _configure(registry, services);
}
