using Throttling.Analyzers.Rules;
using Throttling.CodeFixes;
using static Throttling.Analyzers.Tests.Sources;

namespace Throttling.Analyzers.Tests.Rules;

public class DoNotFanOutUnboundedTests
{
    private const string Client = """

        public interface IApi { Task<string> FetchAsync(string url); }

        public interface IHandler { Task HandleAsync(IEnumerable<string> urls); }

        [Throttling.Slots(8)]
        public interface IThrottledApi { Task<string> FetchAsync(string url); }
        """;

    [Fact]
    public Task Projections_of_unbounded_collections_are_flagged()
        => Verify<DoNotFanOutUnboundedAnalyzer>.AnalyzerAsync(Usings + """
            public class Crawler
            {
                public async Task Run(IApi api, IEnumerable<string> urls, List<int> ids)
                {
                    await {|THR001:Task.WhenAll(urls.Select(u => api.FetchAsync(u)))|};
                    string[] pages = await {|THR001:Task.WhenAll(urls.Where(u => u.Length > 0).Select(api.FetchAsync).ToList())|};
                    await {|THR001:Task.WhenAny(ids.Select(i => api.FetchAsync(i.ToString())))|};
                    await {|THR001:Task.WhenAll(Enumerable.Range(0, 1000).Select(i => api.FetchAsync("/" + i)))|};

                    var tasks = urls.Select(async u => await api.FetchAsync(u)).ToArray();
                    await {|THR001:Task.WhenAll(tasks)|};
                }
            }
            """ + Client);

    [Fact]
    public Task Loops_that_start_a_task_per_item_are_flagged()
        => Verify<DoNotFanOutUnboundedAnalyzer>.AnalyzerAsync(Usings + """
            public class Crawler
            {
                public async Task Run(IApi api, IReadOnlyList<string> urls, IList<int> ids)
                {
                    var tasks = new List<Task<string>>();
                    foreach (string url in urls)
                    {
                        tasks.Add(api.FetchAsync(url));
                    }

                    await {|THR001:Task.WhenAll(tasks)|};

                    var more = new List<Task>();
                    for (int i = 0; i < ids.Count; i++)
                    {
                        more.Add(api.FetchAsync("/" + ids[i]));
                    }

                    await {|THR001:Task.WhenAll(more.ToArray())|};

                    var nested = new List<Task>();
                    foreach (string url in urls)
                    {
                        for (int retry = 0; retry < 2; retry++)
                        {
                            nested.Add(api.FetchAsync(url));
                        }
                    }

                    await {|THR001:Task.WhenAll(nested)|};
                }
            }
            """ + Client);

    [Fact]
    public Task Only_slots_bound_a_fan_out_through_the_interface_or_its_generated_class_alike()
        => Verify<DoNotFanOutUnboundedAnalyzer>.AnalyzerAsync(Usings + """
            public class Crawler
            {
                public async Task Run(IThrottledApi slotted, ThrottledThrottledApi slottedClass, IRatedApi rated, ThrottledRatedApi ratedClass, IEnumerable<string> urls)
                {
                    await Task.WhenAll(urls.Select(u => slotted.FetchAsync(u)));
                    await Task.WhenAll(urls.Select(u => slottedClass.FetchAsync(u)));

                    // A rate limit bounds how many start per window, not how many are in flight.
                    await {|THR001:Task.WhenAll(urls.Select(u => rated.FetchAsync(u)))|};
                    await {|THR001:Task.WhenAll(urls.Select(u => ratedClass.FetchAsync(u)))|};
                }
            }

            [Throttling.RateLimit(100, "1s")]
            public interface IRatedApi { Task<string> FetchAsync(string url); }

            // As the generator emits them.
            [System.CodeDom.Compiler.GeneratedCode("Throttling.Generators", "1.0.0")]
            public sealed class ThrottledThrottledApi : IThrottledApi { public Task<string> FetchAsync(string url) => Task.FromResult(url); }

            [System.CodeDom.Compiler.GeneratedCode("Throttling.Generators", "1.0.0")]
            public sealed class ThrottledRatedApi : IRatedApi { public Task<string> FetchAsync(string url) => Task.FromResult(url); }
            """ + Client);

    [Fact]
    public Task Bounded_or_gated_fan_out_and_tasks_from_elsewhere_are_not_flagged()
        => Verify<DoNotFanOutUnboundedAnalyzer>.AnalyzerAsync(Usings + """
            public class Crawler
            {
                private readonly SemaphoreSlim _gate = new(8);

                public async Task Run(IApi api, IThrottledApi throttled, IEnumerable<string> urls, Task<string> a, Task<string> b, IEnumerable<Task> given, IEnumerable<IHandler> handlers)
                {
                    await Task.WhenAll(a, b);
                    await Task.WhenAll(new[] { a, b });
                    await Task.WhenAll(urls.Take(5).Select(u => api.FetchAsync(u)));
                    await Task.WhenAll(Enumerable.Range(0, 4).Select(i => api.FetchAsync("/" + i)));
                    await Task.WhenAll(new[] { "/a", "/b", "/c" }.Select(api.FetchAsync));
                    await Task.WhenAll(urls.Select(u => throttled.FetchAsync(u)));
                    await Task.WhenAll(urls.Select(async u =>
                    {
                        await _gate.WaitAsync();
                        try { return await api.FetchAsync(u); }
                        finally { _gate.Release(); }
                    }));
                    await Task.WhenAll(given);

                    var paths = new[] { "/x", "/y" };
                    await Task.WhenAll(paths.Select(api.FetchAsync));

                    var gated = new List<Task>();
                    foreach (string url in urls)
                    {
                        await _gate.WaitAsync();
                        gated.Add(Task.Run(async () => { try { await api.FetchAsync(url); } finally { _gate.Release(); } }));
                    }

                    await Task.WhenAll(gated);

                    var few = new List<Task>();
                    foreach (string path in new[] { "/1", "/2" })
                    {
                        few.Add(api.FetchAsync(path));
                    }

                    await Task.WhenAll(few);

                    var workers = new List<Task>();
                    for (int i = 0; i < Environment.ProcessorCount; i++)
                    {
                        workers.Add(Task.Run(() => api.FetchAsync("/work")));
                    }

                    await Task.WhenAll(workers);

                    var batch = new List<Task>();
                    foreach (string url in urls)
                    {
                        batch.Add(api.FetchAsync(url));
                        if (batch.Count >= 8)
                        {
                            await Task.WhenAll(batch);
                            batch.Clear();
                        }
                    }

                    await Task.WhenAll(batch);

                    await Task.WhenAll(handlers.Select(h => h.HandleAsync(urls)));
                    string[] regions = ["us", "eu"];
                    await Task.WhenAll(regions.Select(api.FetchAsync));
                }
            }
            """ + Client);

    [Fact]
    public Task A_call_per_component_is_not_fan_out_in_any_lambda_form()
        => Verify<DoNotFanOutUnboundedAnalyzer>.AnalyzerAsync(Usings + """
            public class HealthChecks(IEnumerable<IHandler> services, IApi api)
            {
                public async Task CheckAll(IEnumerable<string> urls, CancellationToken cancellationToken)
                {
                    await Task.WhenAll(services.Select(async s =>
                    {
                        try
                        {
                            await s.HandleAsync(urls).ConfigureAwait(false);
                        }
                        catch (Exception)
                        {
                        }
                    }));
                    await Task.WhenAll(services.Select(s => { Console.WriteLine("checking"); return s.HandleAsync(urls); }));
                    await {|THR001:Task.WhenAll(services.Select(async s =>
                    {
                        await s.HandleAsync(urls);
                        await api.FetchAsync("/audit");
                    }))|};
                    await {|THR001:Task.WhenAll(urls.Select(async u =>
                    {
                        try { await api.FetchAsync(u); } catch (Exception) { }
                    }))|};
                }
            }
            """ + Client);

    [Fact]
    public Task Tasks_that_already_run_start_nothing_when_selected()
        => Verify<DoNotFanOutUnboundedAnalyzer>.AnalyzerAsync(Usings + """
            public class Supervisor(IApi api)
            {
                private readonly List<Task> _running = new();
                private readonly Dictionary<string, Job> _jobs = new();

                public async Task WaitForAny(IEnumerable<string> urls)
                {
                    await Task.WhenAny(_running);
                    await Task.WhenAny(_running.Select(t => t));
                    await Task.WhenAll(_jobs.Values.Select(j => j.Completion));
                    await Task.WhenAll(_jobs.Select(pair => pair.Value.Completion));
                    await {|THR001:Task.WhenAny(urls.Select(u => Task.Run(() => api.FetchAsync(u))))|};
                }
            }

            public class Job { public Task Completion { get; } = Task.CompletedTask; }
            """ + Client);

    [Fact]
    public Task The_fix_bounds_the_projection_with_FanOut_and_keeps_the_results()
        => Verify<DoNotFanOutUnboundedAnalyzer, DoNotFanOutUnboundedCodeFixProvider>.CodeFixAsync(
            Usings + """
            public class Crawler
            {
                public async Task<string[]> Run(IApi api, IEnumerable<string> urls, List<string> more)
                {
                    await {|THR001:Task.WhenAll(more.Select(u => api.FetchAsync(u)).ToList())|};
                    return await {|THR001:Task.WhenAll(urls.Select(api.FetchAsync))|};
                }
            }
            """ + Client,
            UsingsWithThrottling + """
            public class Crawler
            {
                public async Task<string[]> Run(IApi api, IEnumerable<string> urls, List<string> more)
                {
                    await FanOut.WhenAll(more, u => api.FetchAsync(u), maxConcurrency: 8);
                    return await FanOut.WhenAll(urls, api.FetchAsync, maxConcurrency: 8);
                }
            }
            """ + Client);

    [Fact]
    public Task The_fix_passes_the_callers_token_and_the_bound_the_editorconfig_sets()
        => Verify<DoNotFanOutUnboundedAnalyzer, DoNotFanOutUnboundedCodeFixProvider>.CodeFixAsync(
            Usings + """
            public class Crawler
            {
                public async Task<string[]> Run(IApi api, IEnumerable<string> urls, CancellationToken stop)
                    => await {|THR001:Task.WhenAll(urls.Select(u => api.FetchAsync(u)))|};
            }
            """ + Client,
            UsingsWithThrottling + """
            public class Crawler
            {
                public async Task<string[]> Run(IApi api, IEnumerable<string> urls, CancellationToken stop)
                    => await FanOut.WhenAll(urls, u => api.FetchAsync(u), maxConcurrency: 16, stop);
            }
            """ + Client,
            editorConfig: "throttling.THR001.fix_max_concurrency = 16");

    [Fact]
    public Task Without_the_runtime_the_callers_token_goes_into_the_parallel_options()
        => Verify<DoNotFanOutUnboundedAnalyzer, DoNotFanOutUnboundedCodeFixProvider>.CodeFixAsync(
            Usings + """
            public class Crawler
            {
                public async Task Run(IApi api, IEnumerable<string> urls, CancellationToken stop)
                {
                    await {|THR001:Task.WhenAll(urls.Select(u => api.FetchAsync(u)))|};
                }
            }

            public interface IApi { Task<string> FetchAsync(string url); }
            """,
            Usings + """
            public class Crawler
            {
                public async Task Run(IApi api, IEnumerable<string> urls, CancellationToken stop)
                {
                    await Parallel.ForEachAsync(urls, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = stop }, async (u, cancellationToken) => await api.FetchAsync(u));
                }
            }

            public interface IApi { Task<string> FetchAsync(string url); }
            """,
            withThrottling: false);

    [Fact]
    public Task Without_the_runtime_an_awaited_fan_out_becomes_Parallel_ForEachAsync()
        => Verify<DoNotFanOutUnboundedAnalyzer, DoNotFanOutUnboundedCodeFixProvider>.CodeFixAsync(
            Usings + """
            public class Crawler
            {
                public async Task Run(IApi api, IEnumerable<string> urls)
                {
                    await {|THR001:Task.WhenAll(urls.Select(u => api.FetchAsync(u)))|};
                    await {|THR001:Task.WhenAll(urls.Select(async u => { await api.FetchAsync(u); }))|};
                }
            }

            public interface IApi { Task<string> FetchAsync(string url); }
            """,
            Usings + """
            public class Crawler
            {
                public async Task Run(IApi api, IEnumerable<string> urls)
                {
                    await Parallel.ForEachAsync(urls, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (u, cancellationToken) => await api.FetchAsync(u));
                    await Parallel.ForEachAsync(urls, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (u, cancellationToken) => { await api.FetchAsync(u); });
                }
            }

            public interface IApi { Task<string> FetchAsync(string url); }
            """,
            withThrottling: false);

    [Fact]
    public Task Loops_WhenAny_indexed_selectors_and_projections_held_in_locals_get_no_fix()
        => Verify<DoNotFanOutUnboundedAnalyzer, DoNotFanOutUnboundedCodeFixProvider>.NoCodeFixAsync(Usings + """
            public class Crawler
            {
                public async Task Run(IApi api, IEnumerable<string> urls)
                {
                    await {|THR001:Task.WhenAny(urls.Select(u => api.FetchAsync(u)))|};
                    await {|THR001:Task.WhenAll(urls.Select((u, i) => api.FetchAsync(u + i)))|};
                    var pending = urls.Select(u => api.FetchAsync(u));
                    await {|THR001:Task.WhenAll(pending)|};
                    var tasks = new List<Task>();
                    foreach (string url in urls) tasks.Add(api.FetchAsync(url));
                    await {|THR001:Task.WhenAll(tasks)|};
                }
            }
            """ + Client);
}
