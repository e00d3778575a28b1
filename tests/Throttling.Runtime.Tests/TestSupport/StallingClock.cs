using Microsoft.Extensions.Time.Testing;

namespace Throttling.Tests;

/// <summary>
/// A fake clock that loses time at one chosen read, as a thread descheduled between two lines of the code under test
/// would: the read that finds <c>when</c> true first advances the clock by the stall.
/// </summary>
internal sealed class StallingClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private Func<bool>? _when;
    private TimeSpan _stall;

    public void StallOnce(TimeSpan stall, Func<bool> when)
    {
        _stall = stall;
        Volatile.Write(ref _when, when);
    }

    public override long GetTimestamp()
    {
        if (Volatile.Read(ref _when) is { } when && when() && Interlocked.Exchange(ref _when, null) is not null)
        {
            Advance(_stall);
        }

        return base.GetTimestamp();
    }
}
