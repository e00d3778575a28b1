using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Throttling.TestServer;

/// <summary>
/// A real <c>redis-server</c> on a free port of 127.0.0.1, without persistence, for the Redis tests and the load
/// benchmark: started, killed with SIGKILL and started again on the same port when a test needs an outage. Needs
/// <c>redis-server</c> on the PATH (<c>apt-get install -y redis-server</c>; .ci/run installs it).
/// </summary>
public sealed class LocalRedisServer : IAsyncDisposable
{
    private Process? _process;

    private LocalRedisServer(int port) => Port = port;

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    public static async Task<LocalRedisServer> StartAsync()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var server = new LocalRedisServer(port);
        await server.RestartAsync().ConfigureAwait(false);
        return server;
    }

    /// <summary>The version <c>redis-server --version</c> reports, such as 7.0.15.</summary>
    public static async Task<string> VersionAsync()
    {
        using Process process = Start("--version", redirect: true);
        string output = await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
        return output.Split(' ').FirstOrDefault(p => p.StartsWith("v=", StringComparison.Ordinal))?[2..] ?? "?";
    }

    /// <summary>Kills the server at once (SIGKILL): no goodbye to its clients, its data gone.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            process.WaitForExit();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Stops the server (SIGSTOP) without closing a connection: what it is sent waits until <see cref="Resume"/>.</summary>
    public void Pause() => Signal("STOP");

    /// <summary>Lets a paused server go on (SIGCONT): it runs what it was sent meanwhile.</summary>
    public void Resume() => Signal("CONT");

    private void Signal(string signal)
    {
        using Process kill = Process.Start("kill", $"-{signal} {_process!.Id}");
        kill.WaitForExit();
    }

    /// <summary>Starts the server (again) on its port and returns once it listens.</summary>
    public async Task RestartAsync()
    {
        Kill();
        _process = Start($"--port {Port} --bind 127.0.0.1 --save \"\" --appendonly no", redirect: false);
        for (int attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50).ConfigureAwait(false);
            }
        }

        throw new InvalidOperationException($"redis-server did not listen on {Endpoint} within 5 s.");
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        return ValueTask.CompletedTask;
    }

    private static Process Start(string arguments, bool redirect)
    {
        try
        {
            // Its log goes nowhere unless read: redirected and dropped.
            Process process = Process.Start(new ProcessStartInfo("redis-server", arguments) { RedirectStandardOutput = true, UseShellExecute = false })!;
            if (!redirect)
            {
                process.OutputDataReceived += (_, _) => { };
                process.BeginOutputReadLine();
            }

            return process;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("This needs redis-server on the PATH: apt-get install -y redis-server.", e);
        }
    }
}
