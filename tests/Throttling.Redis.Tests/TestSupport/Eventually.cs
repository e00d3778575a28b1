using System.Diagnostics;

namespace Throttling.Redis.Tests.TestSupport;

/// <summary>
/// Waits for a state that a round trip to Redis brings about; returns the moment the condition holds and fails only if
/// it never does (the bound is a safety net, not a timing assumption). Unlike the runtime tests' twin, which yields to
/// thread-pool continuations, it sleeps between looks: the state comes over a socket, and a yielding loop would take a
/// core from the processes it waits for.
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

            await Task.Delay(5);
        }
    }
}
