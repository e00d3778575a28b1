using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static Throttling.Tests.Times;

namespace Throttling.Tests.Registry;

public class RegistryAndConfigurationTests
{
    private static readonly ThrottlingPolicy Serp = new("SerpClient")
    {
        Slots = new SlotPolicy(22),
        RateLimits = new[] { new RateLimitPolicy(1000, TimeSpan.FromMinutes(1)) },
    };

    [Fact]
    public void Clients_of_the_same_name_share_one_budget_and_scopes_get_their_own()
    {
        using var registry = new ThrottlingRegistry(NewClock());

        ClientThrottle first = registry.GetOrCreate(Serp);
        ClientThrottle second = registry.GetOrCreate(Serp);
        ClientThrottle keyA = registry.GetOrCreate(Serp, scope: "key-a");

        Assert.Same(first, second);
        Assert.NotSame(first, keyA);
        Assert.Same(keyA, registry.GetOrCreate(Serp, scope: "key-a"));
        Assert.Equal("key-a", keyA.Scope);
        Assert.Equal(2, registry.Clients.Count);
    }

    [Fact]
    public void Policies_with_the_same_limits_share_a_budget_and_a_namesake_with_other_limits_is_refused()
    {
        using var registry = new ThrottlingRegistry(NewClock());
        ClientThrottle serp = registry.GetOrCreate(Serp);

        // What two instantiations of one generic client present: equal policies, distinct objects.
        var sameLimits = new ThrottlingPolicy("SerpClient") { Slots = new SlotPolicy(22), RateLimits = new[] { new RateLimitPolicy(1000, TimeSpan.FromMinutes(1)) } };
        Assert.Same(serp, registry.GetOrCreate(sameLimits));

        var namesake = new ThrottlingPolicy("SerpClient") { Slots = new SlotPolicy(22), RateLimits = new[] { new RateLimitPolicy(10, TimeSpan.FromSeconds(1)) } };
        var refused = Assert.Throws<InvalidOperationException>(() => registry.GetOrCreate(namesake));
        Assert.Contains("\"SerpClient\"", refused.Message, StringComparison.Ordinal);
        Assert.Contains("10 per 1s", refused.Message, StringComparison.Ordinal);
        Assert.Single(registry.Clients);
    }

    [Fact]
    public void Configuration_overrides_the_compiled_in_limits_without_recompiling()
    {
        ClientThrottle throttle = ThrottleFrom(new Dictionary<string, string?>
        {
            ["Throttling:SerpClient:Slots"] = "68",
            ["Throttling:SerpClient:MaxWait"] = "30s",
            ["Throttling:SerpClient:RateLimits:0:Permits"] = "5000",
            ["Throttling:SerpClient:RateLimits:0:Window"] = "1m",
            ["Throttling:SerpClient:RateLimits:1:Permits"] = "100000",
            ["Throttling:SerpClient:RateLimits:1:Window"] = "1d",
            ["Throttling:SerpClient:RateLimits:1:Kind"] = "FixedWindow",
            ["Throttling:SerpClient:MaxRetries"] = "5",
            ["Throttling:SerpClient:MaxRetryAfter"] = "2m",
        });

        ThrottlingPolicy policy = throttle.Policy;
        Assert.Equal(68, policy.Slots!.Count);
        Assert.Equal(S(30), policy.Slots.MaxWait);
        Assert.Equal(new[] { "5000 per 1m", "100000 per 1d (fixed window)" }, policy.RateLimits.Select(l => l.ToString()));
        Assert.Equal(5, policy.Backoff.MaxRetries);
        Assert.Equal(TimeSpan.FromMinutes(2), policy.Backoff.MaxRetryAfter);
        Assert.Equal(S(2), policy.Backoff.BaseDelay);
    }

    [Fact]
    public void Configuration_keeps_what_the_generator_compiled_in_besides_the_limits()
    {
        ThrottleDetector<Exception> detector = static (Exception _, out RetryAfter retryAfter) =>
        {
            retryAfter = default;
            return false;
        };
        Func<object, System.Net.Http.Headers.HttpResponseHeaders?> headers = static _ => null;
        var compiled = new ThrottlingPolicy("RefitClient") { Slots = new SlotPolicy(4), ExceptionDetector = detector, ResponseHeaders = headers };

        ClientThrottle throttle = ThrottleFrom(new Dictionary<string, string?> { ["Throttling:RefitClient:Slots"] = "8" }, compiled);

        Assert.Equal(8, throttle.Policy.Slots!.Count);
        Assert.Same(detector, throttle.Policy.ExceptionDetector);
        Assert.Same(headers, throttle.Policy.ResponseHeaders);
    }

    [Fact]
    public void A_client_without_configuration_keeps_its_attributes()
    {
        ClientThrottle throttle = ThrottleFrom(new Dictionary<string, string?> { ["Throttling:OtherClient:Slots"] = "3" });

        Assert.Same(Serp, throttle.Policy);
    }

    [Fact]
    public void Without_AddThrottled_the_sections_are_not_checked_against_registered_clients()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Throttling:SerpClient:Slots"] = "68" }).Build();
        ServiceProvider services = new ServiceCollection().AddThrottling(configuration).BuildServiceProvider();

        services.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();

        Assert.Equal(68, services.GetRequiredService<ThrottlingRegistry>().GetOrCreate(Serp).Policy.Slots!.Count);
    }

    [Theory]
    [InlineData("Throttling:SerpClient:MaxWait", "30 seconds", "Throttling:SerpClient:MaxWait")]
    [InlineData("Throttling:SerpClient:Slots", "many", "Throttling:SerpClient:Slots")]
    [InlineData("Throttling:SerpClient:Slots", "0", "Throttling:SerpClient:Slots is 0; it must be 1 or more.")]
    [InlineData("Throttling:SerpClient:RateLimits:0:Permits", "0", "Throttling:SerpClient:RateLimits:0:Permits is 0; it must be 1 or more.")]
    [InlineData("Throttling:SerpClient:RateLimits:0:Window", "1w", "Throttling:SerpClient:RateLimits:0:Window")]
    public void Bad_configuration_fails_with_the_key_that_is_wrong(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?> { [key] = value };
        if (key.Contains("RateLimits", StringComparison.Ordinal))
        {
            settings.TryAdd("Throttling:SerpClient:RateLimits:0:Permits", "10");
            settings.TryAdd("Throttling:SerpClient:RateLimits:0:Window", "1s");
        }

        Exception error = Record.Exception(() => ThrottleFrom(settings))!;

        Assert.NotNull(error);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static ClientThrottle ThrottleFrom(Dictionary<string, string?> settings, ThrottlingPolicy? compiled = null)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        ServiceProvider services = new ServiceCollection().AddThrottling(configuration).BuildServiceProvider();
        return services.GetRequiredService<ThrottlingRegistry>().GetOrCreate(compiled ?? Serp);
    }
}
