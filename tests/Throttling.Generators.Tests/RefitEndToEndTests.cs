using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Refit;
using Throttling.Generators.Tests.Clients;

namespace Throttling.Generators.Tests;

/// <summary>
/// Refit's generator and ours in one compilation, resolved through dependency injection. Refit 16 moved the reflection
/// request builder that <c>AddRefitClient</c> needs into Refit.Reflection, which this registry does not serve; its
/// source-generated client (<c>AddRefitGeneratedClient</c>) is decorated the same way.
/// </summary>
public sealed class RefitEndToEndTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly ScriptedHandler _handler = new();

    private IWeatherApi Resolve(out ClientThrottle throttle)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_clock);
        services.AddRefitGeneratedClient<IWeatherApi>()
            .ConfigureHttpClient(c => c.BaseAddress = new Uri("http://weather.test"))
            .ConfigurePrimaryHttpMessageHandler(() => _handler);
        services.AddThrottled<IWeatherApi>();
        ServiceProvider provider = services.BuildServiceProvider();
        throttle = provider.GetRequiredService<ThrottlingRegistry>().GetOrCreate(ThrottledWeatherApi.Policy);
        return provider.GetRequiredService<IWeatherApi>();
    }

    [Fact]
    public async Task A_Refit_ApiException_429_is_retried_after_its_Retry_After()
    {
        IWeatherApi client = Resolve(out ClientThrottle throttle);
        Assert.IsType<ThrottledWeatherApi>(client);
        _handler.Enqueue(TooMany(TimeSpan.FromSeconds(2)));
        _handler.Enqueue(Json("""{"city":"Oslo","celsius":-3}"""));

        Task<Forecast> call = client.GetForecastAsync("Oslo");
        await Until(() => throttle.CoolDownRemaining == TimeSpan.FromSeconds(2) && throttle.InFlight == 0);
        _clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(new Forecast("Oslo", -3), await call);
        Assert.Equal(2, _handler.Requests);
    }

    [Fact]
    public async Task A_Refit_ApiResponse_429_is_retried_and_disposed()
    {
        IWeatherApi client = Resolve(out ClientThrottle throttle);
        _handler.Enqueue(TooMany(TimeSpan.FromSeconds(1)));
        _handler.Enqueue(Json("""{"city":"Rome","celsius":21}"""));

        Task<ApiResponse<Forecast>> call = client.TryGetForecastAsync("Rome");
        await Until(() => throttle.CoolDownRemaining == TimeSpan.FromSeconds(1) && throttle.InFlight == 0);
        _clock.Advance(TimeSpan.FromSeconds(1));

        using ApiResponse<Forecast> response = await call;
        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal(21, response.Content!.Celsius);
    }

    [Fact]
    public async Task Calls_are_gated_by_the_slots()
    {
        IWeatherApi client = Resolve(out ClientThrottle throttle);
        _handler.HoldAll = true;

        Task<Forecast>[] calls = Enumerable.Range(0, 5).Select(i => client.GetForecastAsync("c" + i)).ToArray();
        await Until(() => _handler.Requests == 2 && throttle.Waiting == 3);

        while (!calls.All(c => c.IsCompleted))
        {
            _handler.ReleaseAll(() => Json("""{"city":"x","celsius":1}"""));
            await Until(() => calls.All(c => c.IsCompleted) || _handler.Held > 0);
        }

        Assert.All(await Task.WhenAll(calls), f => Assert.Equal(1, f.Celsius));
        Assert.Equal(2, _handler.MaxHeld);
        Assert.Equal(5, _handler.Requests);
    }

    public void Dispose() => _handler.Dispose();

    private static HttpResponseMessage TooMany(TimeSpan retryAfter)
    {
        var response = new HttpResponseMessage((HttpStatusCode)429);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(retryAfter);
        return response;
    }

    private static HttpResponseMessage Json(string body)
        => new(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private static async Task Until(Func<bool> condition)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "the condition never held");
            await Task.Yield();
        }
    }

    private sealed class ScriptedHandler : HttpMessageHandler
    {
        private readonly Queue<HttpResponseMessage> _script = new();
        private readonly List<(HttpRequestMessage Request, TaskCompletionSource<HttpResponseMessage> Call)> _held = new();
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        public bool HoldAll { get; set; }

        public int Held
        {
            get
            {
                lock (_held)
                {
                    return _held.Count;
                }
            }
        }

        public int MaxHeld { get; private set; }

        public void Enqueue(HttpResponseMessage response) => _script.Enqueue(response);

        public void ReleaseAll(Func<HttpResponseMessage> response)
        {
            (HttpRequestMessage Request, TaskCompletionSource<HttpResponseMessage> Call)[] held;
            lock (_held)
            {
                held = _held.ToArray();
                _held.Clear();
            }

            foreach ((HttpRequestMessage request, TaskCompletionSource<HttpResponseMessage> call) in held)
            {
                HttpResponseMessage answer = response();
                answer.RequestMessage = request;
                call.SetResult(answer);
            }
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            if (HoldAll || _script.Count == 0)
            {
                var call = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
                lock (_held)
                {
                    _held.Add((request, call));
                    MaxHeld = Math.Max(MaxHeld, _held.Count);
                }

                return call.Task;
            }

            // Refit reads the request back from the response, as a real handler sets it.
            HttpResponseMessage response = _script.Dequeue();
            response.RequestMessage = request;
            return Task.FromResult(response);
        }
    }
}
