using System.Diagnostics;

namespace Throttling.Tests;

/// <summary>
/// Waits for a state that thread-pool continuations bring about. Throttled calls resume on the thread pool, so a test
/// that advanced a fake clock waits here for the effect; it returns the moment the condition holds and fails only if
/// it never does (the bound is a safety net, not a timing assumption).
/// </summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(30))
            {
                Assert.Fail("Never happened: " + what);
            }

            await Task.Yield();
        }
    }
}
