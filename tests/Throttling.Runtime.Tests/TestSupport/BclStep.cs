using System.Diagnostics;
using System.Threading.RateLimiting;

namespace Throttling.Tests;

/// <summary>
/// Steps a BCL limiter that has <c>AutoReplenishment = false</c>: its <c>TryReplenish</c> still ignores calls made
/// less than one replenishment period (here a tick or two) after the previous one, so wait that out first.
/// </summary>
internal static class BclStep
{
    public static void Replenish(ReplenishingRateLimiter limiter)
    {
        long start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) < limiter.ReplenishmentPeriod + TimeSpan.FromTicks(1))
        {
            Thread.SpinWait(10);
        }

        limiter.TryReplenish();
    }
}
