namespace Throttling.PackageTests;

/// <summary>
/// <c>dotnet format</c>, the CLI users run in CI, applies every THR fix in one pass over a project that mixes each rule's
/// fixable shapes with shapes that have no safe fix, and leaves exactly the latter.
/// </summary>
[Collection(nameof(PackedRepositoryGroup))]
public class FormatTests(PackedRepository packages)
{
    // Each rule's first diagnostic has no fix (dotnet format starts Fix All from the first one), and THR002 and THR004
    // have fixes of two kinds each (two equivalence keys).
    private const string Program = """
        using Throttling;

        var api = new Api();
        var gate = new SemaphoreSlim(2);
        var jobs = new Jobs();
        await jobs.EarlyAsync(gate, api, ready: true);
        await jobs.RunAsync(api, new[] { "a", "b" }, new List<string> { "c" });
        Console.WriteLine(await jobs.LeakAsync(gate, api));
        await jobs.InsideAsync(gate, api);

        public interface IApi
        {
            Task<string> FetchAsync(string url);
        }

        public sealed class Api : IApi
        {
            public Task<string> FetchAsync(string url) => Task.FromResult(url);
        }

        public sealed class Jobs
        {
            public async Task EarlyAsync(SemaphoreSlim gate, IApi api, bool ready)
            {
                await gate.WaitAsync();                                                        // THR004, no fix: released in a branch
                if (ready) { await api.FetchAsync("e"); gate.Release(); }
            }

            public async Task RunAsync(IApi api, IEnumerable<string> urls, List<string> names)
            {
                var tasks = new List<Task>();
                foreach (string url in urls) tasks.Add(api.FetchAsync(url));
                await Task.WhenAll(tasks);                                                     // THR001, no fix: a loop
                string[] pages = await Task.WhenAll(urls.Select(u => api.FetchAsync(u)));      // THR001, fixed

                api.FetchAsync(pages[0]).Wait(1000);                                           // THR002, no fix: a timeout
                Task pending = api.FetchAsync(pages[0]);
                pending.Wait();                                                                // THR002, fixed: await
                Thread.Sleep(10);                                                              // THR002, fixed: Task.Delay

                names.ForEach(async n => await api.FetchAsync(n));                             // THR005, no fix: List.ForEach
                Parallel.ForEach(urls, async u => await api.FetchAsync(u));                    // THR005, fixed
            }

            public async Task<string> LeakAsync(SemaphoreSlim gate, IApi api)
            {
                await gate.WaitAsync();                                                        // THR004, fixed: finally
                var page = await api.FetchAsync("d");
                gate.Release();
                return page;
            }

            public async Task InsideAsync(SemaphoreSlim gate, IApi api)
            {
                try
                {
                    await gate.WaitAsync();                                                    // THR004, fixed: wait first
                    await api.FetchAsync("f");
                }
                finally
                {
                    gate.Release();
                }
            }
        }
        """;

    [Fact]
    public void One_dotnet_format_pass_fixes_every_fixable_THR_diagnostic_and_leaves_the_rest()
    {
        string consumer = packages.CreateConsumer("Formatted", Program);
        Assert.Equal(new[] { "THR001", "THR001", "THR002", "THR002", "THR002", "THR004", "THR004", "THR004", "THR005", "THR005" }, Diagnostics(Build(consumer)));

        (int format, string output) = DotNet.Run(consumer, "format", "analyzers", "--diagnostics", "THR001", "THR002", "THR004", "THR005", "--severity", "info", "--verbosity", "normal");

        Assert.True(format == 0, output);
        Assert.DoesNotContain("Unable to fix", output, StringComparison.Ordinal);
        string formatted = File.ReadAllText(Path.Combine(consumer, "Program.cs"));
        Assert.Equal(new[] { "THR001", "THR002", "THR004", "THR005" }, Diagnostics(Build(consumer)));
        Assert.Contains("FanOut.WhenAll(urls, u => api.FetchAsync(u), maxConcurrency: 8)", formatted, StringComparison.Ordinal);
        Assert.Contains("await pending;", formatted, StringComparison.Ordinal);
        Assert.Contains("await Task.Delay(10);", formatted, StringComparison.Ordinal);
        Assert.Contains("await Parallel.ForEachAsync(urls", formatted, StringComparison.Ordinal);
        Assert.Contains("string page;", formatted, StringComparison.Ordinal);
    }

    private static string Build(string consumer)
    {
        (int build, string output) = DotNet.Run(consumer, "build", "-nologo", "--no-incremental");
        Assert.True(build == 0, output);
        return output;
    }

    // Each THR diagnostic's id, in order of id.
    private static string[] Diagnostics(string buildOutput)
        => BuildWarnings.Thr(buildOutput).Select(w => w.Id).Order(StringComparer.Ordinal).ToArray();
}
