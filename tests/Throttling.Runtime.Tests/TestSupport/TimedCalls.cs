using Microsoft.Extensions.Time.Testing;

namespace Throttling.Tests;

/// <summary>
/// An inner client whose calls each take a given time on a fake clock, recording every invocation (its method and
/// when), and a driver that moves the clock in small steps, letting granted calls reach their invocation before the
/// next step so that every timestamp is the one the call really started at.
/// </summary>
internal sealed class TimedCalls(FakeTimeProvider clock)
{
    private readonly object _sync = new();
    private readonly List<(string Method, TimeSpan At)> _starts = new();
    private readonly List<DateTimeOffset> _ends = new();

    /// <summary>Calls invoked and not yet returned.</summary>
    public int Running
    {
        get
        {
            lock (_sync)
            {
                return _ends.Count;
            }
        }
    }

    // Settled: every call whose time is up has returned, so no completion is still on its way.
    private bool NoneOverdue()
    {
        lock (_sync)
        {
            DateTimeOffset now = clock.GetUtcNow();
            return _ends.TrueForAll(end => end > now);
        }
    }

    public IReadOnlyList<(string Method, TimeSpan At)> Starts
    {
        get
        {
            lock (_sync)
            {
                return _starts.ToArray();
            }
        }
    }

    public int StartsOf(string method, TimeSpan from, TimeSpan to) => Starts.Count(s => s.Method == method && s.At >= from && s.At < to);

    public async Task<int> Call(string method, TimeSpan length)
    {
        // The timer exists before the end is published, so no step of the clock can pass it unseen.
        Task done = Task.Delay(length, clock);
        DateTimeOffset end;
        lock (_sync)
        {
            DateTimeOffset now = clock.GetUtcNow();
            end = now + length;
            _starts.Add((method, now - Times.Start));
            _ends.Add(end);
        }

        try
        {
            await done;
            return 0;
        }
        finally
        {
            lock (_sync)
            {
                _ends.Remove(end);
            }
        }
    }

    /// <summary>Advances the clock by <paramref name="duration"/> in steps, settling after each.</summary>
    public async Task RunAsync(ClientThrottle throttle, TimeSpan duration, TimeSpan step)
    {
        for (TimeSpan elapsed = TimeSpan.Zero; elapsed < duration; elapsed += step)
        {
            clock.Advance(step);
            await Task.Yield();
            await Eventually.TrueAsync(() => NoneOverdue() && throttle.InFlight == Running, "every granted call was invoked, every finished one left");
        }
    }
}
