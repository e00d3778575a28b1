using System.Diagnostics;

namespace Throttling.Redis.Tests.TestSupport;

/// <summary>
/// One Throttling.Redis.Worker process: started, told to go, killed with SIGKILL if a test wants, and read line by line.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WorkerProcess(Process process) => _process = process;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return _lines.ToArray();
            }
        }
    }

    public static WorkerProcess Start(string redis, Uri server, Uri warmUpServer, string prefix, int requests, int slots, int permitsPerSecond, TimeSpan slotLease)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "Throttling.Redis.Worker", "bin", Configuration, "net10.0", "Throttling.Redis.Worker.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { dll, redis, server.ToString(), prefix, requests.ToString(System.Globalization.CultureInfo.InvariantCulture), slots.ToString(System.Globalization.CultureInfo.InvariantCulture), permitsPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture), slotLease.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), warmUpServer.ToString() })
        {
            start.ArgumentList.Add(arg);
        }

        var worker = new WorkerProcess(Process.Start(start)!);
        worker._process.OutputDataReceived += (_, e) => worker.Read(e.Data);
        worker._process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                worker.Read("stderr: " + e.Data);
            }
        };
        worker._process.BeginOutputReadLine();
        worker._process.BeginErrorReadLine();
        return worker;
    }

    public Task Ready => _ready.Task;

    /// <summary>"done &lt;completed&gt; &lt;failed&gt;".</summary>
    public Task<string> Done => _done.Task;

    public int ProcessId => _process.Id;

    public void Go() => _process.StandardInput.WriteLine("go");

    /// <summary>SIGKILL: the process ends at once, without releasing anything.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public async Task<int> ExitCodeAsync()
    {
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
    }

    public override string ToString() => string.Join(Environment.NewLine, Lines);

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private void Read(string? line)
    {
        if (line is null)
        {
            _done.TrySetException(new InvalidOperationException("The worker ended without saying done:" + Environment.NewLine + this));
            return;
        }

        lock (_lines)
        {
            _lines.Add(line);
        }

        if (line == "ready")
        {
            _ready.TrySetResult();
        }
        else if (line.StartsWith("done ", StringComparison.Ordinal))
        {
            _done.TrySetResult(line);
        }
    }
}
