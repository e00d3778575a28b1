using System;
using System.Diagnostics.Metrics;
using System.Linq;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Throttling;

/// <summary>Registers throttled clients with dependency injection.</summary>
public static class ThrottlingServiceCollectionExtensions
{
    /// <summary>
    /// Decorates the existing registration of <typeparamref name="TClient"/> (a Refit client, a typed <c>HttpClient</c>
    /// client, or a plain class) with its generated throttled decorator, keeping its lifetime. Register the client first.
    /// </summary>
    /// <typeparam name="TClient">An interface carrying <see cref="SlotsAttribute"/> or <see cref="RateLimitAttribute"/>.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="scope">Names a separate budget, such as one per API key; null shares the client's one budget.</param>
    /// <exception cref="InvalidOperationException">
    /// <typeparamref name="TClient"/> has no registration yet, is already throttled, or has no generated decorator.
    /// </exception>
    public static IServiceCollection AddThrottled<TClient>(this IServiceCollection services, string? scope = null)
        where TClient : class
    {
        if (services is null)
        {
            throw new ArgumentNullException(nameof(services));
        }

        ThrottlingPolicy compiled = ThrottledClientFactory<TClient>.GetRegistration().Policy;
        int index = FindLastIndex(services, typeof(TClient));
        if (index < 0)
        {
            throw new InvalidOperationException(
                $"There is no registration of {typeof(TClient).Name} to throttle. Register the client first (a Refit client with " +
                $"AddRefitGeneratedClient<{typeof(TClient).Name}>() from Refit.HttpClientFactory, which needs no other package; " +
                $"a typed client with AddHttpClient<{typeof(TClient).Name}, TImplementation>(); " +
                $"or AddSingleton<{typeof(TClient).Name}, TImplementation>()), then call AddThrottled<{typeof(TClient).Name}>().");
        }

        ServiceDescriptor original = services[index];
        if (original.ImplementationFactory?.Target is Decoration<TClient>)
        {
            throw new InvalidOperationException($"{typeof(TClient).Name} is already throttled; call AddThrottled<{typeof(TClient).Name}>() once.");
        }

        AddThrottling(services);
        services.AddSingleton(new ThrottledClientName(compiled.Name));
        services.AddSingleton<IValidateOptions<ClientThrottlingOptions>>(new ClientThrottlingOptionsValidator(compiled));
        services.AddOptions<ClientThrottlingOptions>(compiled.Name).ValidateOnStart();
        var decoration = new Decoration<TClient>(new object(), scope);
        services.Add(WithKey(original, decoration.InnerKey));
        services[index] = new ServiceDescriptor(typeof(TClient), decoration.Create, original.Lifetime);
        return services;
    }

    /// <summary>
    /// Decorates the existing registration of <typeparamref name="TClient"/> like <see cref="AddThrottled{TClient}(IServiceCollection, string?)"/>,
    /// and overrides its compiled-in limits in code: <c>AddThrottled&lt;ISerpClient&gt;(o =&gt; o.Slots = 68)</c>. Applied
    /// in registration order with the values read from configuration, so the later registration wins.
    /// </summary>
    /// <typeparam name="TClient">An interface carrying <see cref="SlotsAttribute"/> or <see cref="RateLimitAttribute"/>.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the values to override; checked at start-up.</param>
    /// <param name="scope">Names a separate budget, such as one per API key; null shares the client's one budget.</param>
    public static IServiceCollection AddThrottled<TClient>(this IServiceCollection services, Action<ClientThrottlingOptions> configure, string? scope = null)
        where TClient : class
    {
        if (configure is null)
        {
            throw new ArgumentNullException(nameof(configure));
        }

        AddThrottled<TClient>(services, scope);
        services.Configure(ThrottledClientFactory<TClient>.Policy.Name, configure);
        return services;
    }

    /// <summary>
    /// Registers the <see cref="ThrottlingRegistry"/> of this container: budgets on the container's
    /// <see cref="TimeProvider"/>, logging and <see cref="IMeterFactory"/>, with overrides from
    /// <c>IOptions&lt;ClientThrottlingOptions&gt;</c> named after each client.
    /// </summary>
    /// <param name="services">The services.</param>
    public static IServiceCollection AddThrottling(this IServiceCollection services)
    {
        services.AddOptions();
        services.TryAddSingleton(static sp =>
        {
            var registry = new ThrottlingRegistry(
                sp.GetService<TimeProvider>(),
                sp.GetService<ILoggerFactory>(),
                sp.GetService<IMeterFactory>(),
                name => sp.GetRequiredService<IOptionsMonitor<ClientThrottlingOptions>>().Get(name));
            foreach (ThrottlingRegistrySetup setup in sp.GetServices<ThrottlingRegistrySetup>())
            {
                setup.Configure(registry, sp);
            }

            return registry;
        });
        return services;
    }

    /// <summary>
    /// Registers the <see cref="ThrottlingRegistry"/> and reads per-client overrides from the <c>Throttling</c> section of
    /// <paramref name="configuration"/>: <c>Throttling:SerpClient:Slots = 68</c> moves <c>ISerpClient</c> to 68 slots
    /// without recompiling. Read when a client's budget is created (restart to apply changes), and checked at start-up:
    /// a value out of range, or a section that names no client registered with <c>AddThrottled</c>, fails the start.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The application's configuration.</param>
    public static IServiceCollection AddThrottling(this IServiceCollection services, IConfiguration configuration)
    {
        if (configuration is null)
        {
            throw new ArgumentNullException(nameof(configuration));
        }

        services.AddSingleton<IConfigureOptions<ClientThrottlingOptions>>(new ClientThrottlingConfiguration(configuration));
        services.AddSingleton<IValidateOptions<ConfiguredClientsValidator.Sections>>(sp => new ConfiguredClientsValidator(configuration, sp.GetServices<ThrottledClientName>()));
        services.AddOptions<ConfiguredClientsValidator.Sections>().ValidateOnStart();
        return services.AddThrottling();
    }

    private static int FindLastIndex(IServiceCollection services, Type serviceType)
    {
        for (int i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == serviceType && !services[i].IsKeyedService)
            {
                return i;
            }
        }

        return -1;
    }

    // The original registration, moved under a private key so the decorator can resolve it as it was.
    private static ServiceDescriptor WithKey(ServiceDescriptor original, object key)
    {
        if (original.ImplementationInstance is { } instance)
        {
            return new ServiceDescriptor(original.ServiceType, key, instance);
        }

        if (original.ImplementationFactory is { } factory)
        {
            return new ServiceDescriptor(original.ServiceType, key, (sp, _) => factory(sp), original.Lifetime);
        }

        return new ServiceDescriptor(original.ServiceType, key, original.ImplementationType!, original.Lifetime);
    }

    private sealed class Decoration<TClient>
        where TClient : class
    {
        private readonly string? _scope;

        public Decoration(object innerKey, string? scope)
        {
            InnerKey = innerKey;
            _scope = scope;
        }

        public object InnerKey { get; }

        public object Create(IServiceProvider services)
            => ThrottledClientFactory<TClient>.Create(
                services.GetRequiredKeyedService<TClient>(InnerKey),
                services.GetRequiredService<ThrottlingRegistry>(),
                _scope);
    }
}
