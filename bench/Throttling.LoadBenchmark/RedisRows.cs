using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using Throttling.Redis;
using Throttling.TestServer;
using Throttling.Workload;
using Throttling.Workload.Approaches;

/// <summary>
/// The benchmark's Redis rows: 1, 2 and 4 client processes sharing one budget in a real redis-server on 127.0.0.1,
/// against the same server as the other rows. A client process measures the Redis round trips it made.
/// </summary>
internal static class RedisRows
{
    public const string Header = "| processes | completed | failed | 429s | makespan | bound | makespan / bound | acquire round trip p50 / p99 | round trips / call |";

    /// <summary>The child's side: waits for "go" on stdin, runs its share, prints its result and its Redis figures.</summary>
    public static async Task<int> RunClientAsync(string redis, string prefix, Uri server, WorkloadSettings settings)
    {
        using var roundTrips = new RoundTrips();
        Console.WriteLine("ready");
        Console.ReadLine();
        // The generated client of the other rows, and the one line that moves its budget into Redis.
        var approach = new GeneratedThrottledClient("Throttling + Redis", services => services.AddThrottlingRedis(redis, o => o.KeyPrefix = prefix));
        ClientResult result = await WorkloadRunner.RunClientAsync(approach, server, settings);
        Console.WriteLine(JsonSerializer.Serialize(result));
        Console.WriteLine(JsonSerializer.Serialize(roundTrips.Summary()));
        return 0;
    }

    public static async Task<string> RowAsync(string redis, int processes, WorkloadSettings settings)
    {
        await using TestApiServer server = await TestApiServer.StartAsync(settings.ServerOptions());
        string prefix = "bench-" + Guid.NewGuid().ToString("N")[..8];
        var share = settings with { Requests = settings.Requests / processes };
        Process[] children = Enumerable.Range(0, processes).Select(_ => StartChild(redis, prefix, server.BaseAddress, share)).ToArray();
        foreach (Process child in children)
        {
            while (await child.StandardOutput.ReadLineAsync() is { } line && line != "ready")
            {
            }
        }

        foreach (Process child in children)
        {
            await child.StandardInput.WriteLineAsync("go");
            await child.StandardInput.FlushAsync();
        }

        var results = new List<(ClientResult Client, RedisFigures Redis)>();
        foreach (Process child in children)
        {
            string[] lines = (await child.StandardOutput.ReadToEndAsync()).Trim().Split('\n');
            await child.WaitForExitAsync();
            results.Add((JsonSerializer.Deserialize<ClientResult>(lines[^2])!, JsonSerializer.Deserialize<RedisFigures>(lines[^1])!));
            child.Dispose();
        }

        IReadOnlyList<RequestRecord> log = server.Log.Snapshot();
        TimeSpan makespan = log.Max(r => r.Ended) - log.Min(r => r.Arrived);
        int completed = results.Sum(r => r.Client.Completed);
        int requests = share.Requests * processes;
        double p50 = results.Select(r => r.Redis.AcquireP50Micros).Order().ElementAt(results.Count / 2);
        double p99 = results.Max(r => r.Redis.AcquireP99Micros);
        double perCall = (double)results.Sum(r => r.Redis.RoundTrips) / requests;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"| {processes} | {completed:N0} | {results.Sum(r => r.Client.Failed):N0} | {server.Log.TooManyRequests + server.Log.ServiceUnavailable:N0} | {makespan.TotalSeconds:0.00} s | {settings.Bound.TotalSeconds:0.00} s | {makespan / settings.Bound:0.00} | {p50:0} µs / {p99:0} µs | {perCall:0.00} |");
    }

    private static Process StartChild(string redis, string prefix, Uri server, WorkloadSettings settings)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardInput = true };
        foreach (string argument in new[]
        {
            typeof(RedisRows).Assembly.Location, "--redis-client", redis, prefix, server.ToString(),
            settings.Requests.ToString(CultureInfo.InvariantCulture), settings.Slots.ToString(CultureInfo.InvariantCulture),
            settings.RatePerSecond.ToString(CultureInfo.InvariantCulture), settings.Latency.TotalMilliseconds.ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }

    /// <summary>What a client process measured of Redis: its acquire round trips' p50 and p99, and all its round trips.</summary>
    public sealed record RedisFigures(double AcquireP50Micros, double AcquireP99Micros, long RoundTrips);

    // Listens to the store's round-trip histogram (throttling.budget.store.duration), as any OpenTelemetry exporter would.
    private sealed class RoundTrips : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<double> _acquires = new();
        private long _all;

        public RoundTrips()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Throttling" && instrument.Name == "throttling.budget.store.duration")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
            {
                Interlocked.Increment(ref _all);
                foreach (KeyValuePair<string, object?> tag in tags)
                {
                    if (tag.Key == "throttling.budget.operation" && (string?)tag.Value == "acquire")
                    {
                        lock (_acquires)
                        {
                            _acquires.Add(seconds * 1e6);
                        }
                    }
                }
            });
            _listener.Start();
        }

        public RedisFigures Summary()
        {
            lock (_acquires)
            {
                _acquires.Sort();
                return new RedisFigures(Percentile(0.50), Percentile(0.99), Interlocked.Read(ref _all));
            }
        }

        public void Dispose() => _listener.Dispose();

        private double Percentile(double p) => _acquires.Count == 0 ? 0 : _acquires[Math.Min(_acquires.Count - 1, (int)(p * _acquires.Count))];
    }
}
