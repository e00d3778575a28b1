using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Throttling.Tests.DependencyInjection;

public interface IWeatherClient
{
    Task<string> ForecastAsync(string city, CancellationToken cancellationToken = default);
}

public interface IUndecoratedClient
{
}

public class AddThrottledTests
{
    static AddThrottledTests()
    {
        // What the generator's module initializer does for a [Slots] interface.
        ThrottledClientFactory<IWeatherClient>.Register(HandWrittenThrottledWeather.Policy, static (inner, throttle) => new HandWrittenThrottledWeather(inner, throttle));
    }

    [Fact]
    public async Task A_plain_registration_is_decorated_and_keeps_its_lifetime()
    {
        ServiceProvider services = new ServiceCollection()
            .AddSingleton<TimeProvider>(new FakeTimeProvider())
            .AddSingleton<IWeatherClient, Weather>()
            .AddThrottled<IWeatherClient>()
            .BuildServiceProvider();

        IWeatherClient client = services.GetRequiredService<IWeatherClient>();

        var decorated = Assert.IsType<HandWrittenThrottledWeather>(client);
        Assert.IsType<Weather>(decorated.Inner);
        Assert.Same(client, services.GetRequiredService<IWeatherClient>());
        Assert.Equal("sunny in Oslo", await client.ForecastAsync("Oslo"));
        Assert.Same(services.GetRequiredService<ThrottlingRegistry>().GetOrCreate(HandWrittenThrottledWeather.Policy), decorated.Throttle);
    }

    [Fact]
    public void Factory_and_transient_registrations_stay_transient_and_share_one_budget()
    {
        int created = 0;
        ServiceProvider services = new ServiceCollection()
            .AddTransient<IWeatherClient>(_ => { created++; return new Weather(); })
            .AddThrottled<IWeatherClient>()
            .BuildServiceProvider();

        var first = (HandWrittenThrottledWeather)services.GetRequiredService<IWeatherClient>();
        var second = (HandWrittenThrottledWeather)services.GetRequiredService<IWeatherClient>();

        Assert.NotSame(first, second);
        Assert.Equal(2, created);
        Assert.Same(first.Throttle, second.Throttle);
    }

    [Fact]
    public void A_scope_gets_a_budget_of_its_own()
    {
        ServiceProvider services = new ServiceCollection()
            .AddSingleton<IWeatherClient>(new Weather())
            .AddThrottled<IWeatherClient>(scope: "tenant-42")
            .BuildServiceProvider();

        var client = (HandWrittenThrottledWeather)services.GetRequiredService<IWeatherClient>();

        Assert.Equal("tenant-42", client.Throttle.Scope);
    }

    [Fact]
    public void Throttling_a_client_that_is_not_registered_says_what_to_register_first()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddThrottled<IWeatherClient>());

        Assert.Contains("no registration of IWeatherClient", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddRefitGeneratedClient<IWeatherClient>()", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddHttpClient<IWeatherClient, TImplementation>()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Throttling_twice_is_refused()
    {
        IServiceCollection services = new ServiceCollection().AddSingleton<IWeatherClient, Weather>().AddThrottled<IWeatherClient>();

        var error = Assert.Throws<InvalidOperationException>(() => services.AddThrottled<IWeatherClient>());

        Assert.Contains("already throttled", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_interface_without_a_generated_decorator_is_named_in_the_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddThrottled<IUndecoratedClient>());

        Assert.Contains(typeof(IUndecoratedClient).FullName!, error.Message, StringComparison.Ordinal);
        Assert.Contains("[Slots] or [RateLimit]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Limits_set_in_code_override_the_attributes()
    {
        ServiceProvider services = new ServiceCollection()
            .AddSingleton<IWeatherClient, Weather>()
            .AddThrottled<IWeatherClient>(o =>
            {
                o.Slots = 5;
                o.MaxWait = TimeSpan.FromSeconds(3);
                o.RateLimits = new List<RateLimitOptions> { new() { Permits = 10, Window = TimeSpan.FromSeconds(1) } };
            })
            .BuildServiceProvider();

        services.GetRequiredService<IStartupValidator>().Validate();
        ThrottlingPolicy policy = ((HandWrittenThrottledWeather)services.GetRequiredService<IWeatherClient>()).Throttle.Policy;

        Assert.Equal(5, policy.Slots!.Count);
        Assert.Equal(TimeSpan.FromSeconds(3), policy.Slots.MaxWait);
        Assert.Equal("10 per 1s", Assert.Single(policy.RateLimits).ToString());
    }

    [Theory]
    [InlineData("Throttling:WeatherClient:Slots", "0", "Throttling:WeatherClient:Slots is 0; it must be 1 or more.")]
    [InlineData("Throttling:WeatherClient:QueueLimit", "-1", "Throttling:WeatherClient:QueueLimit is -1; it must be 0 or more.")]
    [InlineData("Throttling:WeatherClient:MaxRetries", "-1", "Throttling:WeatherClient:MaxRetries is -1; it must be 0 or more.")]
    [InlineData("Throttling:WeatherClent:Slots", "4", "Throttling:WeatherClent configures no throttled client of this application (registered with AddThrottled: WeatherClient)")]
    public void A_bad_value_or_a_misspelled_client_fails_at_start_up_with_its_path(string key, string value, string expected)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        ServiceProvider services = new ServiceCollection()
            .AddSingleton<IWeatherClient, Weather>()
            .AddThrottled<IWeatherClient>()
            .AddThrottling(configuration)
            .BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_documented_key_is_read_from_a_real_appsettings_file()
    {
        ServiceProvider services = ServicesFrom("appsettings.json");

        services.GetRequiredService<IStartupValidator>().Validate();
        ThrottlingPolicy policy = ((HandWrittenThrottledWeather)services.GetRequiredService<IWeatherClient>()).Throttle.Policy;

        Assert.Equal((68, 500, TimeSpan.FromSeconds(30)), (policy.Slots!.Count, policy.Slots.QueueLimit, policy.Slots.MaxWait!.Value));
        Assert.Equal(new[] { "5000 per 1m", "100000 per 1d (fixed window)" }, policy.RateLimits.Select(l => l.ToString()));
        Assert.Equal((5, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2)), (policy.Backoff.MaxRetries, policy.Backoff.BaseDelay, policy.Backoff.MaxDelay, policy.Backoff.MaxRetryAfter));
        Assert.Equal(TimeSpan.FromMilliseconds(500), policy.RecordingDelayCap);
    }

    [Fact]
    public void A_misspelled_client_in_a_real_appsettings_file_fails_at_start_up()
    {
        ServiceProvider services = ServicesFrom("appsettings.misspelled.json");

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Throttling:WeatherClent configures no throttled client", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_value_set_in_code_fails_at_start_up_too()
    {
        ServiceProvider services = new ServiceCollection()
            .AddSingleton<IWeatherClient, Weather>()
            .AddThrottled<IWeatherClient>(o => o.MaxWait = TimeSpan.Zero)
            .BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Throttling:WeatherClient:MaxWait is 0; it must be positive.", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider ServicesFrom(string settingsFile)
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "Registry", settingsFile), optional: false)
            .Build();
        return new ServiceCollection()
            .AddSingleton<IWeatherClient, Weather>()
            .AddThrottled<IWeatherClient>()
            .AddThrottling(configuration)
            .BuildServiceProvider();
    }

    private sealed class Weather : IWeatherClient
    {
        public Task<string> ForecastAsync(string city, CancellationToken cancellationToken = default) => Task.FromResult("sunny in " + city);
    }

    /// <summary>The shape of a generated decorator, written by hand so that the runtime is tested on its own.</summary>
    private sealed class HandWrittenThrottledWeather(IWeatherClient inner, ClientThrottle throttle) : IWeatherClient
    {
        public static ThrottlingPolicy Policy { get; } = new("WeatherClient") { Slots = new SlotPolicy(2) };

        public IWeatherClient Inner => inner;

        public ClientThrottle Throttle => throttle;

        public Task<string> ForecastAsync(string city, CancellationToken cancellationToken = default)
            => throttle.DefaultGate.RunAsync((inner, city, cancellationToken), static s => s.inner.ForecastAsync(s.city, s.cancellationToken), cancellationToken);
    }
}
