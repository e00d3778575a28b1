using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Throttling.TestServer;
using Throttling.Workload;
using Throttling.Workload.Approaches;

// The load benchmark: four approaches at three sizes against the local API, two of them against a stricter server, and
// the generated client on a Redis budget. The server runs in this process and each
// client in a child process of its own, so that "client CPU per request" is the client's alone.
IApproach[] approaches = { new NaiveFanOut(), new StandardResilienceHandler(), new PollyPipeline(), new GeneratedThrottledClient() };

if (args is ["--client", var name, var address, var requests, var slots, var rate, var latency])
{
    IApproach approach = approaches.Single(a => a.Name == name);
    var clientSettings = new WorkloadSettings(Number(requests), Number(slots), Number(rate), TimeSpan.FromMilliseconds(Number(latency)));
    ClientResult client = await WorkloadRunner.RunClientAsync(approach, new Uri(address), clientSettings);
    Console.WriteLine(JsonSerializer.Serialize(client));
    return 0;
}

if (args is ["--redis-client", var redisEndpoint, var prefix, var redisServer, var redisRequests, var redisSlots, var redisRate, var redisLatency])
{
    var share = new WorkloadSettings(Number(redisRequests), Number(redisSlots), Number(redisRate), TimeSpan.FromMilliseconds(Number(redisLatency)));
    return await RedisRows.RunClientAsync(redisEndpoint, prefix, new Uri(redisServer), share);
}

int[] sizes = args.Length > 0 ? args.Select(Number).ToArray() : new[] { 1_000, 10_000, 50_000 };
const int Slots = 50;
const int Rate = 2_000;
TimeSpan latencyPerCall = TimeSpan.FromMilliseconds(5);

var table = new StringBuilder();
table.AppendLine(CultureInfo.InvariantCulture, $"Server: {Slots} slots, {Rate}/s (exact sliding window), {latencyPerCall.TotalMilliseconds:0} ms per request; 429 with Retry-After beyond either. {Environment.ProcessorCount} cores.");
table.AppendLine();
table.AppendLine("| requests | approach | completed | failed | 429s | retries sent | makespan | bound | makespan / bound | client CPU / request |");
table.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (int size in sizes)
{
    var settings = new WorkloadSettings(size, Slots, Rate, latencyPerCall);
    foreach (IApproach approach in approaches)
    {
        await using TestApiServer server = await TestApiServer.StartAsync(settings.ServerOptions());
        ClientResult client = await RunChildAsync(approach, server.BaseAddress, settings);
        RunResult result = WorkloadRunner.Combine(approach.Name, settings, client, server.Log);
        string line = string.Create(
            CultureInfo.InvariantCulture,
            $"| {size:N0} | {result.Approach} | {result.Completed:N0} | {result.Failed:N0} | {result.TooManyRequests:N0} | {result.Retries:N0} | {result.Makespan.TotalSeconds:0.00} s | {settings.Bound.TotalSeconds:0.00} s | {result.MakespanOverBound:0.00}{(result.Failed > 0 ? " (incomplete)" : string.Empty)} | {client.CpuTime.TotalMicroseconds / size:0} µs |");
        table.AppendLine(line);
        Console.WriteLine(line);
    }
}

// A server stricter than the plan the clients are configured with (half its rate): silent, then saying so in its
// RateLimit headers. Polly's pipeline cannot read them; the generated client does.
int stricterSize = sizes.Contains(10_000) ? 10_000 : sizes.Max();
table.AppendLine();
table.AppendLine(CultureInfo.InvariantCulture, $"A server at {Rate / 2}/s, half the {Rate}/s the clients are set to, {stricterSize:N0} requests; the bound is the server's:");
table.AppendLine();
table.AppendLine("| server's headers | approach | completed | failed | 429s | retries sent | makespan | bound | makespan / bound |");
table.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
foreach (RateLimitHeaderFamily headers in new[] { RateLimitHeaderFamily.None, RateLimitHeaderFamily.Ietf })
{
    var stricter = new WorkloadSettings(stricterSize, Slots, Rate, latencyPerCall) { ServerRatePerSecond = Rate / 2, Headers = headers };
    foreach (IApproach approach in approaches.Where(a => a is PollyPipeline or GeneratedThrottledClient))
    {
        await using TestApiServer server = await TestApiServer.StartAsync(stricter.ServerOptions());
        ClientResult client = await RunChildAsync(approach, server.BaseAddress, stricter);
        RunResult result = WorkloadRunner.Combine(approach.Name, stricter, client, server.Log);
        string line = string.Create(
            CultureInfo.InvariantCulture,
            $"| {(headers == RateLimitHeaderFamily.None ? "none" : "RateLimit")} | {result.Approach} | {result.Completed:N0} | {result.Failed:N0} | {result.TooManyRequests:N0} | {result.Retries:N0} | {result.Makespan.TotalSeconds:0.00} s | {stricter.Bound.TotalSeconds:0.00} s | {result.MakespanOverBound:0.00}{(result.Failed > 0 ? " (incomplete)" : string.Empty)} |");
        table.AppendLine(line);
        Console.WriteLine(line);
    }
}

// One budget in Redis, shared by 1, 2 and 4 client processes, beside the in-process rows above.
int redisSize = stricterSize;
await using (LocalRedisServer redis = await LocalRedisServer.StartAsync())
{
    table.AppendLine();
    table.AppendLine(CultureInfo.InvariantCulture, $"Throttling + Redis, {redisSize:N0} requests split between the processes, one budget ({Slots} slots, {Rate}/s) in redis-server {await LocalRedisServer.VersionAsync()} on 127.0.0.1:");
    table.AppendLine();
    table.AppendLine(RedisRows.Header);
    table.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (int processes in new[] { 1, 2, 4 })
    {
        string line = await RedisRows.RowAsync(redis.Endpoint, processes, new WorkloadSettings(redisSize, Slots, Rate, latencyPerCall));
        table.AppendLine(line);
        Console.WriteLine(line);
    }

    // Two processes against the stricter server: what one process hears binds the other.
    table.AppendLine();
    table.AppendLine(CultureInfo.InvariantCulture, $"The same budget in 2 processes against the server at {Rate / 2}/s:");
    table.AppendLine();
    table.AppendLine("| server's headers " + RedisRows.Header);
    table.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (RateLimitHeaderFamily headers in new[] { RateLimitHeaderFamily.None, RateLimitHeaderFamily.Ietf })
    {
        var stricter = new WorkloadSettings(redisSize, Slots, Rate, latencyPerCall) { ServerRatePerSecond = Rate / 2, Headers = headers };
        string line = (headers == RateLimitHeaderFamily.None ? "| none " : "| RateLimit ") + await RedisRows.RowAsync(redis.Endpoint, 2, stricter);
        table.AppendLine(line);
        Console.WriteLine(line);
    }
}

string output = Path.GetFullPath(Path.Combine("artifacts", "load-benchmark.md"));
Directory.CreateDirectory(Path.GetDirectoryName(output)!);
await File.WriteAllTextAsync(output, table.ToString());
Console.WriteLine();
Console.WriteLine(table);
Console.WriteLine("Written to " + output);
return 0;

static int Number(string text) => int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);

static async Task<ClientResult> RunChildAsync(IApproach approach, Uri server, WorkloadSettings settings)
{
    var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true };
    foreach (string argument in new[]
    {
        typeof(Program).Assembly.Location, "--client", approach.Name, server.ToString(),
        settings.Requests.ToString(CultureInfo.InvariantCulture), settings.Slots.ToString(CultureInfo.InvariantCulture),
        settings.RatePerSecond.ToString(CultureInfo.InvariantCulture), settings.Latency.TotalMilliseconds.ToString(CultureInfo.InvariantCulture),
    })
    {
        start.ArgumentList.Add(argument);
    }

    using Process child = Process.Start(start)!;
    string json = await child.StandardOutput.ReadToEndAsync();
    await child.WaitForExitAsync();
    return JsonSerializer.Deserialize<ClientResult>(json.Trim().Split('\n')[^1])
        ?? throw new InvalidOperationException($"The {approach.Name} client printed nothing usable: {json}");
}
