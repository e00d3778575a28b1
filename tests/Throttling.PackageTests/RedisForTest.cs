using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Throttling.PackageTests;

/// <summary>
/// The redis-server a package test talks to: the one THROTTLING_REDIS names (.ci/run starts it), or one of its own on a
/// free port of 127.0.0.1 without persistence. Read with redis-cli, which comes with redis-server.
/// </summary>
internal sealed class RedisForTest : IAsyncDisposable
{
    private readonly Process? _process;

    private RedisForTest(string endpoint, Process? process)
    {
        Endpoint = endpoint;
        _process = process;
    }

    public string Endpoint { get; }

    public static async Task<RedisForTest> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("THROTTLING_REDIS") is { Length: > 0 } given)
        {
            return new RedisForTest(given, null);
        }

        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        Process process = Process.Start(new ProcessStartInfo("redis-server", $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no") { RedirectStandardOutput = true })!;
        for (int attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return new RedisForTest($"127.0.0.1:{port}", process);
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        process.Kill();
        throw new InvalidOperationException("redis-server did not start (apt-get install -y redis-server).");
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

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
            _process.Dispose();
        }
    }
}
