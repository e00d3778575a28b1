using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

/// <summary>
/// The redis-server of the Redis rows: the one THROTTLING_REDIS names, or one of the benchmark's own on a free port of
/// 127.0.0.1, without persistence, stopped when the benchmark ends.
/// </summary>
internal sealed class RedisServerProcess : IAsyncDisposable
{
    private readonly Process? _process;

    private RedisServerProcess(string endpoint, Process? process, string version)
    {
        Endpoint = endpoint;
        _process = process;
        Version = version;
    }

    public string Endpoint { get; }

    public string Version { get; }

    public static async Task<RedisServerProcess> StartAsync()
    {
        string version = (await Run("redis-server", "--version")).Split(' ').FirstOrDefault(p => p.StartsWith("v=", StringComparison.Ordinal))?[2..] ?? "?";
        if (Environment.GetEnvironmentVariable("THROTTLING_REDIS") is { Length: > 0 } given)
        {
            return new RedisServerProcess(given, null, version);
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
                return new RedisServerProcess($"127.0.0.1:{port}", process, version);
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        process.Kill();
        throw new InvalidOperationException("redis-server did not start; install it with apt-get install -y redis-server.");
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

    private static async Task<string> Run(string file, string arguments)
    {
        using Process process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true })!;
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }
}
