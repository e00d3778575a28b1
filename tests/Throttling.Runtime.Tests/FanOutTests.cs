namespace Throttling.Tests;

public class FanOutTests
{
    [Fact]
    public async Task Runs_at_most_N_at_once_and_returns_results_in_input_order()
    {
        var gates = Enumerable.Range(0, 10).Select(_ => new TaskCompletionSource<int>()).ToArray();
        var started = new bool[10];
        int running = 0;
        int maxRunning = 0;

        Task<int[]> all = FanOut.WhenAll(Enumerable.Range(0, 10), async i =>
        {
            Volatile.Write(ref started[i], true);
            InterlockedMax(ref maxRunning, Interlocked.Increment(ref running));
            int result = await gates[i].Task;
            Interlocked.Decrement(ref running);
            return result;
        }, maxConcurrency: 3);

        // Finish out of order; each item is released once it has started.
        foreach (int i in new[] { 2, 0, 1, 5, 3, 4, 8, 6, 7, 9 })
        {
            await Eventually.TrueAsync(() => Volatile.Read(ref started[i]), $"item {i} starts");
            gates[i].SetResult(i * i);
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => i * i), await all);
        Assert.InRange(maxRunning, 1, 3);
    }

    [Fact]
    public async Task Never_starts_more_than_N_even_when_everything_is_slow()
    {
        var release = new TaskCompletionSource();
        int started = 0;

        Task all = FanOut.WhenAll(Enumerable.Range(0, 100), async _ =>
        {
            Interlocked.Increment(ref started);
            await release.Task;
        }, maxConcurrency: 4);

        await Eventually.TrueAsync(() => Volatile.Read(ref started) == 4, "four start");
        Assert.Equal(4, Volatile.Read(ref started));
        release.SetResult();
        await all;
        Assert.Equal(100, started);
    }

    [Fact]
    public async Task The_first_failure_surfaces_stops_new_starts_and_cancels_the_rest()
    {
        int started = 0;
        var observedCancellation = new TaskCompletionSource();

        Task<int[]> all = FanOut.WhenAll(Enumerable.Range(0, 1000), async (i, token) =>
        {
            Interlocked.Increment(ref started);
            if (i == 1)
            {
                throw new InvalidOperationException("item 1 failed");
            }

            await Task.Delay(Timeout.Infinite, token).ContinueWith(_ => observedCancellation.TrySetResult(), TaskScheduler.Default);
            return i;
        }, maxConcurrency: 2);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => all);
        Assert.Equal("item 1 failed", error.Message);
        Assert.True(observedCancellation.Task.IsCompleted);
        Assert.InRange(started, 2, 3);
    }

    [Fact]
    public async Task Cancellation_stops_the_rest()
    {
        using var cancel = new CancellationTokenSource();
        int started = 0;

        Task all = FanOut.WhenAll(Enumerable.Range(0, 100), async (i, token) =>
        {
            if (Interlocked.Increment(ref started) == 5)
            {
                await cancel.CancelAsync();
            }

            await Task.Yield();
        }, maxConcurrency: 1, cancel.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => all);
        Assert.Equal(5, started);
    }

    [Fact]
    public async Task Bad_arguments_are_reported()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => FanOut.WhenAll(new[] { 1 }, i => Task.FromResult(i), maxConcurrency: 0));
        await Assert.ThrowsAsync<ArgumentNullException>(() => FanOut.WhenAll<int, int>(null!, i => Task.FromResult(i), maxConcurrency: 1));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
