using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Throttling.Generators.Tests.Clients;

namespace Throttling.Generators.Tests;

/// <summary>Generated clients compiled into this project, run against fakes on a fake clock.</summary>
public class BehaviourTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeSearch _inner = new();

    private ThrottledSearchClient Client(out ClientThrottle throttle)
    {
        throttle = new ClientThrottle(ThrottledSearchClient.Policy, _clock);
        return new ThrottledSearchClient(_inner, throttle);
    }

    [Fact]
    public async Task Calls_beyond_the_slots_wait_their_turn()
    {
        ThrottledSearchClient client = Client(out ClientThrottle throttle);
        _inner.Hold = true;

        Task<HttpResponseMessage>[] calls = Enumerable.Range(0, 3).Select(i => client.SearchAsync("q" + i)).ToArray();

        Assert.Equal(2, _inner.Started);
        Assert.Equal(1, throttle.Waiting);
        _inner.Release(HttpStatusCode.OK);
        await Until(() => _inner.Started == 3);
        _inner.Release(HttpStatusCode.OK);
        _inner.Release(HttpStatusCode.OK);
        Assert.All(await Task.WhenAll(calls), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
    }

    [Fact]
    public async Task A_429_is_retried_after_Retry_After()
    {
        ThrottledSearchClient client = Client(out ClientThrottle throttle);
        _inner.Script.Enqueue(TooMany(TimeSpan.FromSeconds(3)));
        _inner.Script.Enqueue(new HttpResponseMessage(HttpStatusCode.OK));

        Task<HttpResponseMessage> call = client.SearchAsync("q");
        await Until(() => throttle.CoolDownRemaining == TimeSpan.FromSeconds(3) && throttle.InFlight == 0);
        _clock.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(HttpStatusCode.OK, (await call).StatusCode);
        Assert.Equal(2, _inner.Started);
    }

    [Fact]
    public async Task A_method_backoff_replaces_the_clients()
    {
        ThrottledSearchClient client = Client(out _);
        _inner.Script.Enqueue(TooMany(TimeSpan.FromSeconds(3)));

        HttpResponseMessage response = await client.OnceAsync();

        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        Assert.Equal(1, _inner.Started);
    }

    [Fact]
    public async Task A_method_limit_stacks_with_the_clients_and_holds_no_slot()
    {
        ThrottledSearchClient client = Client(out ClientThrottle throttle);

        Assert.Equal("a!", await client.SuggestAsync("a"));
        Task<string> second = client.SuggestAsync("b");
        Assert.False(second.IsCompleted);
        Assert.Equal(0, throttle.InFlight);
        Assert.Equal(3, await client.CountAsync(CancellationToken.None));

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("b!", await second);
    }

    [Fact]
    public async Task Unthrottled_methods_pass_even_when_every_slot_is_busy()
    {
        ThrottledSearchClient client = Client(out _);
        _inner.Hold = true;
        _ = client.SearchAsync("a");
        _ = client.SearchAsync("b");

        Assert.True(await client.PingAsync());
    }

    [Fact]
    public async Task A_stream_holds_its_slot_until_enumeration_ends()
    {
        ThrottledSearchClient client = Client(out ClientThrottle throttle);
        var seen = new List<int>();

        await foreach (int item in client.StreamAsync(3))
        {
            seen.Add(item);
            Assert.Equal(1, throttle.InFlight);
        }

        Assert.Equal(new[] { 0, 1, 2 }, seen);
        Assert.Equal(0, throttle.InFlight);
    }

    [Fact]
    public async Task The_methods_cancellation_token_cancels_the_wait()
    {
        ThrottledSearchClient client = Client(out ClientThrottle throttle);
        _inner.Hold = true;
        _ = client.SearchAsync("a");
        _ = client.SearchAsync("b");
        using var cancel = new CancellationTokenSource();

        Task<HttpResponseMessage> waiting = client.SearchAsync("c", cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, throttle.Waiting);
    }

    [Fact]
    public async Task Instances_built_with_the_short_constructor_share_one_process_wide_budget()
    {
        var gate = new TaskCompletionSource<int>();
        var first = new ThrottledSharedBudgetClient(new SharedWork(gate.Task));
        var second = new ThrottledSharedBudgetClient(new SharedWork(gate.Task));
        ClientThrottle budget = ThrottlingRegistry.Shared.GetOrCreate(ThrottledSharedBudgetClient.Policy);

        Task<int> a = first.WorkAsync(1);
        Task<int> b = second.WorkAsync(2);

        Assert.Equal(1, budget.InFlight);
        Assert.Equal(1, budget.Waiting);
        gate.SetResult(7);
        Assert.Equal(new[] { 7, 7 }, await Task.WhenAll(a, b));
    }

    [Fact]
    public void AddThrottled_finds_the_generated_client_without_reflection()
    {
        ServiceProvider services = new ServiceCollection()
            .AddSingleton<TimeProvider>(_clock)
            .AddSingleton<ISearchClient>(_inner)
            .AddThrottled<ISearchClient>()
            .BuildServiceProvider();

        Assert.IsType<ThrottledSearchClient>(services.GetRequiredService<ISearchClient>());
    }

    private static HttpResponseMessage TooMany(TimeSpan retryAfter)
    {
        var response = new HttpResponseMessage((HttpStatusCode)429);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(retryAfter);
        return response;
    }

    private static async Task Until(Func<bool> condition)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "the condition never held");
            await Task.Yield();
        }
    }

    private sealed class FakeSearch : ISearchClient
    {
        private readonly ConcurrentQueue<TaskCompletionSource<HttpResponseMessage>> _held = new();
        private int _started;

        public bool Hold { get; set; }

        public int Started => _started;

        public ConcurrentQueue<HttpResponseMessage> Script { get; } = new();

        public void Release(HttpStatusCode status)
        {
            Assert.True(_held.TryDequeue(out TaskCompletionSource<HttpResponseMessage>? call));
            call.SetResult(new HttpResponseMessage(status));
        }

        public Task<HttpResponseMessage> SearchAsync(string query, CancellationToken cancellationToken = default) => Next();

        public Task<HttpResponseMessage> OnceAsync(CancellationToken cancellationToken = default) => Next();

        public Task<string> SuggestAsync(string prefix, CancellationToken cancellationToken = default) => Task.FromResult(prefix + "!");

        public Task<bool> PingAsync() => Task.FromResult(true);

        public ValueTask<int> CountAsync(CancellationToken cancellationToken) => new(3);

        public async IAsyncEnumerable<int> StreamAsync(int count, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            for (int i = 0; i < count; i++)
            {
                await Task.Yield();
                yield return i;
            }
        }

        // A held call is queued before it counts as started, so a test that saw it start can release it.
        private Task<HttpResponseMessage> Next()
        {
            if (Hold)
            {
                var call = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
                _held.Enqueue(call);
                Interlocked.Increment(ref _started);
                return call.Task;
            }

            Interlocked.Increment(ref _started);
            return Task.FromResult(Script.TryDequeue(out HttpResponseMessage? next) ? next : new HttpResponseMessage(HttpStatusCode.OK));
        }
    }

    private sealed class SharedWork(Task<int> result) : ISharedBudgetClient
    {
        public Task<int> WorkAsync(int id) => result;
    }
}
