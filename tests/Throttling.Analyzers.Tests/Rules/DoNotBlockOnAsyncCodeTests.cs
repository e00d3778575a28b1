using Microsoft.CodeAnalysis;
using Throttling.Analyzers.Rules;
using Throttling.CodeFixes;
using static Throttling.Analyzers.Tests.Sources;

namespace Throttling.Analyzers.Tests.Rules;

public class DoNotBlockOnAsyncCodeTests
{
    [Fact]
    public Task Blocking_on_tasks_is_flagged_in_sync_and_async_code()
        => Verify<DoNotBlockOnAsyncCodeAnalyzer>.AnalyzerAsync(Usings + """
            public class Service
            {
                public int Sync(Task<int> t, Task u, ValueTask<int> v)
                {
                    u.{|THR002:Wait|}();
                    u.{|THR002:Wait|}(TimeSpan.FromSeconds(1));
                    Task.{|THR002:WaitAll|}(t, u);
                    Task.{|THR002:WaitAny|}(t, u);
                    int a = t.GetAwaiter().{|THR002:GetResult|}();
                    int b = t.ConfigureAwait(false).GetAwaiter().{|THR002:GetResult|}();
                    return a + b + t.{|THR002:Result|} + v.{|THR002:Result|};
                }

                public async Task<int> Async(Task<int> t)
                {
                    await Task.Yield();
                    return t.{|THR002:Result|};
                }
            }
            """);

    [Fact]
    public Task Blocking_calls_with_async_twins_and_Thread_Sleep_are_flagged_in_async_code_only()
        => Verify<DoNotBlockOnAsyncCodeAnalyzer>.AnalyzerAsync(Usings + """
            using System.IO;

            public class Service
            {
                private readonly SemaphoreSlim _gate = new(1);

                public async Task Async(Stream stream, HttpClient client, HttpRequestMessage request, string path)
                {
                    Thread.{|THR002:Sleep|}(100);
                    _gate.{|THR002:Wait|}();
                    int read = stream.{|THR002:Read|}(new byte[10], 0, 10);
                    string text = File.{|THR002:ReadAllText|}(path);
                    using HttpResponseMessage response = client.{|THR002:Send|}(request);
                    Func<Task> inner = async () => Thread.{|THR002:Sleep|}(1);
                    await Task.Yield();
                }

                public void Sync(Stream stream, string path)
                {
                    Thread.Sleep(100);
                    stream.Read(new byte[10], 0, 10);
                    File.ReadAllText(path);
                }

                public async Task InMemory(MemoryStream memory, StringReader reader)
                {
                    memory.Read(new byte[10], 0, 10);
                    reader.ReadLine();
                    Console.Out.WriteLine("fine");
                    memory.Dispose();
                    await Task.Yield();
                }
            }
            """);

    [Fact]
    public Task Tasks_that_are_provably_complete_are_not_flagged()
        => Verify<DoNotBlockOnAsyncCodeAnalyzer>.AnalyzerAsync(Usings + """
            public class Service
            {
                public async Task<int> AfterAwait(Task<int> t, Task<int> u, Task<int> v, List<Task<int>> tasks)
                {
                    await t;
                    int a = t.Result;
                    await Task.WhenAll(u, v);
                    a += u.Result + v.GetAwaiter().GetResult();
                    await Task.WhenAll(tasks);
                    a += tasks.Sum(x => x.Result) + tasks[0].Result;
                    foreach (Task<int> done in tasks)
                    {
                        a += done.Result;
                    }

                    Task<int> first = await Task.WhenAny(t, u);
                    return a + first.Result;
                }

                public Task<int> Continuation(Task<int> t) => t.ContinueWith(previous => previous.Result * 2);

                public int Guarded(Task<int> t, ValueTask<int> v)
                {
                    if (t.IsCompletedSuccessfully)
                    {
                        return t.Result;
                    }

                    int fromStatus = t.Status == TaskStatus.RanToCompletion ? t.Result : 0;
                    if (!v.IsCompleted)
                    {
                        return fromStatus;
                    }

                    return v.Result + Task.FromResult(1).Result;
                }

                private readonly object _sync = new();

                public void InLock(Task t)
                {
                    lock (_sync)
                    {
                        t.Wait();
                    }
                }

                public string Name(Task<int> t) => nameof(t.Result);

                public int NotATask(Outcome outcome) => outcome.Result;
            }

            public class Outcome { public int Result { get; set; } }
            """);

    [Fact]
    public Task A_query_filtered_to_completed_tasks_reads_results_freely_and_any_other_filter_does_not()
        => Verify<DoNotBlockOnAsyncCodeAnalyzer>.AnalyzerAsync(Usings + """
            public class Service
            {
                public IEnumerable<int> Finished(IReadOnlyCollection<Task<int>> tasks)
                    => tasks.Where(t => t.Status == TaskStatus.RanToCompletion).Select(t => t.Result)
                        .Concat(tasks.Where(t => t.IsCompletedSuccessfully).Select(done => done.Result));

                public Task<IEnumerable<int>> Until(IReadOnlyCollection<Task<int>> tasks, Task timeout)
                    => Task.WhenAny(timeout, Task.WhenAll(tasks)).ContinueWith(_ =>
                    {
                        var completed = tasks.Where(t => t.Status == TaskStatus.RanToCompletion);
                        return completed.Select(t => t.Result);
                    });

                public IEnumerable<int> Reassigned(IReadOnlyCollection<Task<int>> tasks)
                {
                    var picked = tasks.Where(t => t.IsCompletedSuccessfully);
                    picked = tasks;
                    return picked.Select(t => t.{|THR002:Result|});
                }

                public IEnumerable<int> NotFinished(IReadOnlyCollection<Task<int>> tasks)
                    => tasks.Where(t => t.IsFaulted == false).Select(t => t.{|THR002:Result|})
                        .Concat(tasks.Where(t => t.Id > 0).Select(t => t.{|THR002:Result|}));
            }
            """);

    [Fact]
    public Task On_NET_10_a_task_awaited_through_WhenAll_of_a_params_span_is_complete()
        => Verify<DoNotBlockOnAsyncCodeAnalyzer>.AnalyzerAsync(Usings + """
            public class Service
            {
                public async Task<int> Run(Task<int> u, Task<int> v, Task<int> w)
                {
                    await Task.WhenAll(u, v);
                    return u.Result + v.Result + w.{|THR002:Result|};
                }
            }
            """, references: TestReferences.Net100);

    [Fact]
    public Task Twins_must_match_every_type_argument_and_polls_never_block()
        => Verify<DoNotBlockOnAsyncCodeAnalyzer>.AnalyzerAsync(Usings + """
            public class Cache
            {
                public TValue GetOrCreate<TValue>(string key, Func<string, TValue> create) => create(key);
                public Task<TValue> GetOrCreateAsync<TValue>(string key, Func<string, Task<TValue>> create) => create(key);
                public List<T> Load<T>(IEnumerable<T> items) => items.ToList();
                public Task<List<T>> LoadAsync<T>(IEnumerable<T> items) => Task.FromResult(items.ToList());
            }

            public class Service(Cache cache, SemaphoreSlim gate)
            {
                public async Task Run(int[] items)
                {
                    cache.GetOrCreate("k", k => k.Length);
                    cache.{|THR002:Load|}(items);
                    if (gate.Wait(0)) gate.Release();
                    if (gate.Wait(TimeSpan.Zero)) gate.Release();
                    await Task.Yield();
                }
            }
            """);

    [Fact]
    public Task A_synchronous_Main_may_block_and_an_async_one_may_not()
        => Verify<DoNotBlockOnAsyncCodeAnalyzer>.AnalyzerAsync(Usings + """
            public static class Program
            {
                public static void Main() => RunAsync().Wait();

                private static async Task RunAsync()
                {
                    await Task.Yield();
                    Helper().{|THR002:Wait|}();
                }

                private static Task Helper() => Task.CompletedTask;
            }
            """, outputKind: OutputKind.ConsoleApplication);

    [Fact]
    public Task The_fix_awaits_in_async_code()
        => Verify<DoNotBlockOnAsyncCodeAnalyzer, DoNotBlockOnAsyncCodeCodeFixProvider>.CodeFixAsync(
            Usings + """
            using System.IO;

            public class Service
            {
                public async Task<int> Run(Task<int> t, Task u, Task<int> v, Task<int> w, string path)
                {
                    await Task.Yield();
                    u.{|THR002:Wait|}();
                    t.GetAwaiter().{|THR002:GetResult|}();
                    Task.{|THR002:WaitAll|}(t, u);
                    Thread.{|THR002:Sleep|}(100);
                    string text = File.{|THR002:ReadAllText|}(path);
                    int x = v.{|THR002:Result|};
                    return w.{|THR002:Result|} + x;
                }
            }
            """,
            Usings + """
            using System.IO;

            public class Service
            {
                public async Task<int> Run(Task<int> t, Task u, Task<int> v, Task<int> w, string path)
                {
                    await Task.Yield();
                    await u;
                    await t;
                    await Task.WhenAll(t, u);
                    await Task.Delay(100);
                    string text = await File.ReadAllTextAsync(path);
                    int x = await v;
                    return await w + x;
                }
            }
            """);

    [Fact]
    public Task No_fix_where_await_is_impossible_or_not_equivalent()
        => Verify<DoNotBlockOnAsyncCodeAnalyzer, DoNotBlockOnAsyncCodeCodeFixProvider>.NoCodeFixAsync(Usings + """
            public class Service
            {
                public int Sync(Task<int> t) => t.{|THR002:Result|};

                public async Task Async(Task t, Task u)
                {
                    await Task.Yield();
                    t.{|THR002:Wait|}(1000);
                    Task.{|THR002:WaitAny|}(t, u);
                }
            }
            """);
}
