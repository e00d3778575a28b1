using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Throttling.PackageTests;

/// <summary>
/// The IDE path through a real C# language server: csharp-ls, driven over LSP on a consumer of the packed packages,
/// shows THR diagnostics where the CLI build puts them, and again after an edit adds one. (It offers no fixes from
/// analyzer packages, so fixes are covered by <see cref="FormatTests"/> and the Roslyn fix tests.)
/// </summary>
[Collection(nameof(PackedRepositoryGroup))]
public class IdeTests(PackedRepository packages, ITestOutputHelper output)
{
    // Measured here: first diagnostics ~7 s after didOpen (the server loads and restores the project), an edit's within
    // 1 s. The bounds are safety nets for a slower machine, not timings.
    private static readonly TimeSpan FirstBound = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan EditBound = TimeSpan.FromMinutes(1);

    private const string Program = """
        Console.WriteLine(await new Work().RunAsync(Task.FromResult(1)));

        public sealed class Work
        {
            public async Task<int> RunAsync(Task<int> pending)
            {
                await Task.Yield();
                Thread.Sleep(10);
                return 1;
            }
        }
        """;

    [Fact]
    public async Task csharp_ls_shows_THR_diagnostics_where_the_build_does_and_after_an_edit_adds_one()
    {
        string consumer = packages.CreateConsumer("Ide", Program);
        (int build, string built) = DotNet.Run(consumer, "build", "-nologo");
        Assert.True(build == 0, built);
        Diagnostic[] fromBuild = BuildWarnings.Thr(built).Select(w => new Diagnostic(w.Id, w.Line - 1, w.Column - 1)).ToArray();
        Assert.Single(fromBuild);

        string tools = Path.Combine(packages.Root, "tools");
        (int install, string installed) = DotNet.Run(packages.Root, "tool", "install", "--tool-path", tools, "csharp-ls", "--version", "0.28.0");
        Assert.True(install == 0, installed);

        await using LanguageServer server = LanguageServer.Start(Path.Combine(tools, "csharp-ls"), consumer);
        string uri = new Uri(Path.Combine(consumer, "Program.cs")).AbsoluteUri;
        await server.RequestAsync(
            "initialize",
            new { processId = Environment.ProcessId, rootUri = new Uri(consumer).AbsoluteUri, capabilities = new { workspace = new { configuration = true }, textDocument = new { diagnostic = new { } } } },
            FirstBound);
        await server.NotifyAsync("initialized", new { });
        await server.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "csharp", version = 1, text = Program } });

        var watch = Stopwatch.StartNew();
        Diagnostic[] opened = await ThrDiagnosticsAsync(server, uri, found => found.Length != 0, FirstBound);
        output.WriteLine($"first THR diagnostics {watch.Elapsed.TotalSeconds:F1} s after didOpen");
        Assert.Equal(fromBuild, opened);

        string edited = Program.Replace("        return 1;", "        pending.Wait();\n        return 1;", StringComparison.Ordinal);
        await server.NotifyAsync("textDocument/didChange", new { textDocument = new { uri, version = 2 }, contentChanges = new[] { new { text = edited } } });
        watch.Restart();
        Diagnostic[] changed = await ThrDiagnosticsAsync(server, uri, found => found.Length == 2, EditBound);
        output.WriteLine($"the edit's THR002 {watch.Elapsed.TotalSeconds:F1} s after didChange");
        Assert.Contains(new Diagnostic("THR002", 8, 16), changed);
    }

    // Pull diagnostics (csharp-ls publishes none) until they satisfy `done`.
    private static async Task<Diagnostic[]> ThrDiagnosticsAsync(LanguageServer server, string uri, Func<Diagnostic[], bool> done, TimeSpan bound)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            JsonNode? report = await server.RequestAsync("textDocument/diagnostic", new { textDocument = new { uri } }, bound);
            Diagnostic[] found = (report?["items"]?.AsArray() ?? new JsonArray())
                .Select(item => new Diagnostic(item!["code"]?.GetValue<string>() ?? string.Empty, item["range"]!["start"]!["line"]!.GetValue<int>(), item["range"]!["start"]!["character"]!.GetValue<int>()))
                .Where(d => d.Id.StartsWith("THR", StringComparison.Ordinal))
                .ToArray();
            if (done(found))
            {
                return found;
            }

            Assert.True(watch.Elapsed < bound, $"After {bound.TotalSeconds} s the server reports [{string.Join(", ", found)}].");
            await Task.Delay(250);
        }
    }

    // Zero-based, as LSP counts.
    private sealed record Diagnostic(string Id, int Line, int Character);
}
