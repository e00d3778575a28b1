using Microsoft.Extensions.Time.Testing;

namespace Throttling.Tests;

internal static class Times
{
    /// <summary>A fixed, whole-second start, so that tests read as seconds since then.</summary>
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider NewClock() => new(Start);

    public static TimeSpan Ms(double milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    public static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);
}
