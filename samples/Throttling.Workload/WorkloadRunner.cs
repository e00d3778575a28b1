using System.Diagnostics;
using Throttling.TestServer;

namespace Throttling.Workload;

/// <summary>
/// Runs one approach's client against a local server: starts every request at once the way application code does
/// (the approach decides what bounds it), measures each call, and reads back what the server saw.
/// </summary>
public static class WorkloadRunner
{
    /// <summary>Starts a fresh server, runs the client against it in this process, and combines what both saw.</summary>
    public static async Task<RunResult> RunAsync(
        IApproach approach,
        WorkloadSettings settings,
        IProgress<RunProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        await using TestApiServer server = await TestApiServer.StartAsync(settings.ServerOptions(), cancellationToken).ConfigureAwait(false);
        ClientResult client = await RunClientAsync(approach, server.BaseAddress, settings, progress, cancellationToken).ConfigureAwait(false);
        return Combine(approach.Name, settings, client, server.Log);
    }

    public static RunResult Combine(string approach, WorkloadSettings settings, ClientResult client, RequestLog server)
        => new(
            approach,
            settings,
            client.Completed,
            client.Failed,
            server.TooManyRequests + server.ServiceUnavailable,
            client.Retries,
            client.Makespan,
            client.P50,
            client.P99,
            server.Snapshot());

    /// <summary>The client's side of a run: what the caller got, and the CPU time it cost this process.</summary>
    public static async Task<ClientResult> RunClientAsync(
        IApproach approach,
        Uri baseAddress,
        WorkloadSettings settings,
        IProgress<RunProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var counter = new CallCounter();
        await using IApproachClient client = approach.CreateClient(baseAddress, settings, counter);

        var latencies = new TimeSpan[settings.Requests];
        int completed = 0;
        int failed = 0;
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
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
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        progress?.Report(new RunProgress(completed, failed, counter.TooManyRequests, settings.Requests));

        Array.Sort(latencies);
        return new ClientResult(completed, failed, Math.Max(0, counter.Attempts - settings.Requests), makespan, Percentile(latencies, 0.50), Percentile(latencies, 0.99), cpu);
    }

    private static TimeSpan Percentile(TimeSpan[] sorted, double quantile)
        => sorted.Length == 0 ? TimeSpan.Zero : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
}

/// <summary>What the caller got from a run, and what it cost the client process.</summary>
public sealed record ClientResult(int Completed, int Failed, int Retries, TimeSpan Makespan, TimeSpan P50, TimeSpan P99, TimeSpan CpuTime);
