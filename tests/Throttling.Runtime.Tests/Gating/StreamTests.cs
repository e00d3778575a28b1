using System.Runtime.CompilerServices;
using Microsoft.Extensions.Time.Testing;
using static Throttling.Tests.Times;

namespace Throttling.Tests.Gating;

public class StreamTests
{
    [Fact]
    public async Task A_stream_holds_its_slot_until_it_is_disposed()
    {
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Feed") { Slots = new SlotPolicy(1) }, NewClock());
        var source = new CountingSource();

        await using IAsyncEnumerator<int> first = throttle.DefaultGate.RunStream(source, static s => s.Items(3)).GetAsyncEnumerator();
        Assert.True(await first.MoveNextAsync());
        Assert.Equal(1, throttle.InFlight);

        IAsyncEnumerator<int> second = throttle.DefaultGate.RunStream(source, static s => s.Items(3)).GetAsyncEnumerator();
        Task<bool> secondStarts = second.MoveNextAsync().AsTask();
        Assert.False(secondStarts.IsCompleted);
        Assert.Equal(1, throttle.Waiting);

        await first.DisposeAsync();

        Assert.True(await secondStarts);
        Assert.Equal(1, source.Disposed);
        await second.DisposeAsync();
        Assert.Equal(0, throttle.InFlight);
    }

    [Fact]
    public async Task A_stream_enumerated_to_the_end_frees_its_slot()
    {
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Feed") { Slots = new SlotPolicy(1) }, NewClock());
        var source = new CountingSource();

        var items = new List<int>();
        await foreach (int item in throttle.DefaultGate.RunStream(source, static s => s.Items(3)))
        {
            items.Add(item);
            Assert.Equal(1, throttle.InFlight);
        }

        Assert.Equal(new[] { 0, 1, 2 }, items);
        Assert.Equal(0, throttle.InFlight);
    }

    [Fact]
    public async Task A_throttle_before_the_first_item_is_retried()
    {
        // The retry's wait is armed just after its slot is freed: the clock moves once it is, or the wait would run from
        // the moved time and never end.
        var clock = new TimerCountingClock(Start);
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Feed") { Slots = new SlotPolicy(1) }, clock);
        var source = new CountingSource { ThrottleFirstAttempts = 1 };

        Task<List<int>> reading = ReadAllAsync(throttle.DefaultGate.RunStream(source, static s => s.Items(2)));
        await Eventually.TrueAsync(() => throttle.CoolDownRemaining == S(2) && throttle.InFlight == 0 && clock.TimersArmed == 1, "backing off for the server's 2 s without a slot");
        clock.Advance(S(2));

        Assert.Equal(new[] { 0, 1 }, await reading);
        Assert.Equal(2, source.Attempts);
        Assert.Equal(2, source.Disposed);
    }

    [Fact]
    public async Task Cancelling_the_enumeration_while_waiting_ends_it_without_starting()
    {
        using var throttle = new ClientThrottle(new ThrottlingPolicy("Feed") { Slots = new SlotPolicy(1) }, NewClock());
        var source = new CountingSource();
        await using IAsyncEnumerator<int> holder = throttle.DefaultGate.RunStream(source, static s => s.Items(1)).GetAsyncEnumerator();
        await holder.MoveNextAsync();
        using var cancel = new CancellationTokenSource();

        IAsyncEnumerator<int> waiting = throttle.DefaultGate.RunStream(source, static s => s.Items(1)).GetAsyncEnumerator(cancel.Token);
        Task<bool> moving = waiting.MoveNextAsync().AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => moving);
        Assert.Equal(1, source.Attempts);
        Assert.Equal(0, throttle.Waiting);
    }

    private static async Task<List<int>> ReadAllAsync(IAsyncEnumerable<int> items)
    {
        var list = new List<int>();
        await foreach (int item in items)
        {
            list.Add(item);
        }

        return list;
    }

    private sealed class CountingSource
    {
        private int _attempts;
        private int _disposed;

        public int ThrottleFirstAttempts { get; init; }

        public int Attempts => _attempts;

        public int Disposed => _disposed;

        public async IAsyncEnumerable<int> Items(int count, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            int attempt = Interlocked.Increment(ref _attempts);
            try
            {
                await Task.Yield();
                if (attempt <= ThrottleFirstAttempts)
                {
                    throw new TooManyRequestsException(S(2));
                }

                for (int i = 0; i < count; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    yield return i;
                }
            }
            finally
            {
                Interlocked.Increment(ref _disposed);
            }
        }
    }
}
