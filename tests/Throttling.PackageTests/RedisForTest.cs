using System.Diagnostics;
using Throttling.TestServer;

namespace Throttling.PackageTests;

/// <summary>
/// The redis-server a package test talks to: the one THROTTLING_REDIS names (.ci/run starts it), or one of its own.
/// Read with redis-cli, which comes with redis-server.
/// </summary>
internal sealed class RedisForTest : IAsyncDisposable
{
    private readonly LocalRedisServer? _own;

    private RedisForTest(string endpoint, LocalRedisServer? own)
    {
        Endpoint = endpoint;
        _own = own;
    }

    public string Endpoint { get; }

    public static async Task<RedisForTest> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("THROTTLING_REDIS") is { Length: > 0 } given)
        {
            return new RedisForTest(given, null);
        }

        LocalRedisServer own = await LocalRedisServer.StartAsync();
        return new RedisForTest(own.Endpoint, own);
    }

    /// <summary>How many keys match <paramref name="pattern"/> (a Redis glob).</summary>
    public int KeysMatching(string pattern)
    {
        string port = Endpoint.Split(':')[^1];
        using Process cli = Process.Start(new ProcessStartInfo("redis-cli", ["-p", port, "--scan", "--pattern", pattern]) { RedirectStandardOutput = true })!;
        string output = cli.StandardOutput.ReadToEnd();
        cli.WaitForExit();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
    }

    public ValueTask DisposeAsync() => _own?.DisposeAsync() ?? ValueTask.CompletedTask;
}
