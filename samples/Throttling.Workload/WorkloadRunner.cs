using System.Diagnostics;
using Throttling.TestServer;

namespace Throttling.Workload;

/// <summary>
/// Runs one approach against a fresh local server: starts every request at once the way application code does (the
/// approach decides what that means), measures each call, and reads back what the server saw.
/// </summary>
public static class WorkloadRunner
{
    public static async Task<RunResult> RunAsync(
        IApproach approach,
        WorkloadSettings settings,
        IProgress<RunProgress>? progress = null,
        int? serverRatePerSecond = null,
        CancellationToken cancellationToken = default)
    {
        await using TestApiServer server = await TestApiServer.StartAsync(settings.ServerOptions(serverRatePerSecond), cancellationToken).ConfigureAwait(false);
        var counter = new CallCounter();
        await using IApproachClient client = approach.CreateClient(server.BaseAddress, settings, counter);

        var latencies = new TimeSpan[settings.Requests];
        int completed = 0;
        int failed = 0;
        long start = Stopwatch.GetTimestamp();
        using var reporter = new Timer(_ => progress?.Report(new RunProgress(Volatile.Read(ref completed), Volatile.Read(ref failed), counter.TooManyRequests, settings.Requests)), null, 0, 100);

        async Task CallAsync(int index)
        {
            long began = Stopwatch.GetTimestamp();
            bool ok = await client.CallAsync(index.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
            latencies[index] = Stopwatch.GetElapsedTime(began);
            Interlocked.Increment(ref ok ? ref completed : ref failed);
        }

        // The unbounded fan-out is the point: each approach decides what bounds it (and THR001 rightly says so).
#pragma warning disable THR001
        await Task.WhenAll(Enumerable.Range(0, settings.Requests).Select(CallAsync)).ConfigureAwait(false);
#pragma warning restore THR001
        TimeSpan makespan = Stopwatch.GetElapsedTime(start);
        progress?.Report(new RunProgress(completed, failed, counter.TooManyRequests, settings.Requests));

        Array.Sort(latencies);
        return new RunResult(
            approach.Name,
            settings,
            completed,
            failed,
            server.Log.TooManyRequests + server.Log.ServiceUnavailable,
            Math.Max(0, counter.Attempts - settings.Requests),
            makespan,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99),
            server.Log.Snapshot());
    }

    private static TimeSpan Percentile(TimeSpan[] sorted, double quantile)
        => sorted.Length == 0 ? TimeSpan.Zero : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
}
