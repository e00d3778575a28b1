using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Throttling.PackageTests;

/// <summary>
/// A language server driven over LSP on its standard streams, as an editor drives it: requests and notifications go
/// out, and the server's own requests are answered (its <c>workspace/configuration</c> question for <c>csharp</c> with
/// <c>analyzersEnabled</c>, without which csharp-ls runs no analyzers).
/// </summary>
internal sealed class LanguageServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Stream _input;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode?>> _pending = new();
    private readonly Task _reading;
    private int _lastId;

    private LanguageServer(Process process)
    {
        _process = process;
        _input = process.StandardInput.BaseStream;
        _reading = Task.Run(() => ReadAsync(process.StandardOutput.BaseStream));
    }

    public static LanguageServer Start(string executable, string workingDirectory)
    {
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        Process process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return new LanguageServer(process);
    }

    public async Task<JsonNode?> RequestAsync(string method, object parameters, TimeSpan timeout)
    {
        int id = Interlocked.Increment(ref _lastId);
        var response = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = response;
        await SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = JsonSerializer.SerializeToNode(parameters) });
        return await response.Task.WaitAsync(timeout);
    }

    public Task NotifyAsync(string method, object parameters)
        => SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method, ["params"] = JsonSerializer.SerializeToNode(parameters) });

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        await _reading.ContinueWith(_ => { }, TaskScheduler.Default);
        _process.Dispose();
    }

    private async Task SendAsync(JsonNode message)
    {
        byte[] body = Encoding.UTF8.GetBytes(message.ToJsonString());
        byte[] header = Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n");
        await _writing.WaitAsync();
        try
        {
            await _input.WriteAsync(header);
            await _input.WriteAsync(body);
            await _input.FlushAsync();
        }
        finally
        {
            _writing.Release();
        }
    }

    private async Task ReadAsync(Stream output)
    {
        try
        {
            while (await ReadMessageAsync(output) is { } message)
            {
                if (message["method"] is JsonValue method && message["id"] is { } requestId)
                {
                    JsonNode? answer = Answer(method.GetValue<string>(), message["params"]);
                    await SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = requestId.DeepClone(), ["result"] = answer });
                }
                else if (message["id"] is JsonValue id && _pending.TryRemove(id.GetValue<int>(), out TaskCompletionSource<JsonNode?>? response))
                {
                    if (message["error"] is { } error)
                    {
                        response.TrySetException(new InvalidOperationException("The server answered with an error: " + error.ToJsonString()));
                    }
                    else
                    {
                        response.TrySetResult(message["result"]);
                    }
                }
            }
        }
        finally
        {
            foreach (TaskCompletionSource<JsonNode?> waiting in _pending.Values)
            {
                waiting.TrySetException(new IOException("The language server closed its output."));
            }
        }
    }

    private static JsonArray? Answer(string method, JsonNode? parameters)
        => method == "workspace/configuration"
            ? new JsonArray(parameters!["items"]!.AsArray().Select(_ => (JsonNode?)new JsonObject { ["analyzersEnabled"] = true }).ToArray())
            : null;

    // One message: headers up to a blank line, then Content-Length bytes of JSON.
    private static async Task<JsonNode?> ReadMessageAsync(Stream output)
    {
        int length = -1;
        while (await ReadLineAsync(output) is { } line)
        {
            if (line.Length == 0)
            {
                byte[] body = new byte[length];
                await output.ReadExactlyAsync(body);
                return JsonNode.Parse(body);
            }

            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    private static async Task<string?> ReadLineAsync(Stream output)
    {
        var line = new StringBuilder();
        byte[] one = new byte[1];
        while (await output.ReadAsync(one) == 1)
        {
            if (one[0] == '\n')
            {
                return line.ToString().TrimEnd('\r');
            }

            line.Append((char)one[0]);
        }

        return null;
    }
}
