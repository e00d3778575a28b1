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
                    Task.Delay(10).{|THR002:Wait|}(TimeSpan.FromSeconds(1));
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
            namespace Storage
            {
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
            }
            """, editorConfig: "throttling.THR002.blocking_types = Storage.Cache\n");

    [Fact]
    public Task A_twin_alone_is_no_evidence_of_IO_and_CPU_bound_calls_are_left_alone()
        => Verify<DoNotBlockOnAsyncCodeAnalyzer>.AnalyzerAsync(Usings + """
            using System.IO;
            using System.Text.Json;
            using Parsing;

            namespace Parsing
            {
                public class Document { }

                public class HtmlParser
                {
                    public Document ParseDocument(string html) => new();
                    public Task<Document> ParseDocumentAsync(string html, CancellationToken cancellationToken = default) => Task.FromResult(new Document());
                    public Document ParseDocument(Stream html) => new();
                    public Task<Document> ParseDocumentAsync(Stream html, CancellationToken cancellationToken = default) => Task.FromResult(new Document());
                }

                public interface IContextFactory
                {
                    object CreateContext();
                    Task<object> CreateContextAsync(CancellationToken cancellationToken = default);
                }
            }

            public class Service
            {
                public async Task Run(HtmlParser parser, CancellationTokenSource source, IContextFactory factory, Stream stream, string html)
                {
                    parser.ParseDocument(html);
                    factory.CreateContext();
                    source.Cancel();
                    parser.{|THR002:ParseDocument|}(stream);
                    parser.ParseDocument(new MemoryStream());
                    JsonSerializer.{|THR002:Deserialize|}<int>(stream);
                    JsonSerializer.Deserialize<int>(new MemoryStream());
                    await Task.Yield();
                }
            }
            """);

    [Fact]
    public Task Users_add_their_own_blocking_types_and_namespaces_in_editorconfig()
        => Verify<DoNotBlockOnAsyncCodeAnalyzer>.AnalyzerAsync(Usings + """
            namespace Vendor.Storage
            {
                public class BlobClient
                {
                    public byte[] Download(string name) => new byte[0];
                    public Task<byte[]> DownloadAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(new byte[0]);
                }
            }

            namespace Local
            {
                public class Renderer
                {
                    public string Render(string template) => template;
                    public Task<string> RenderAsync(string template) => Task.FromResult(template);
                }

                public class Service
                {
                    public async Task Run(Vendor.Storage.BlobClient blobs, Renderer renderer)
                    {
                        blobs.{|THR002:Download|}("a");
                        renderer.Render("b");
                        await Task.Yield();
                    }
                }
            }
            """, editorConfig: "throttling.THR002.blocking_types = Some.Other.Type, Vendor.*\n");

    [Fact]
    public Task The_twin_suggested_is_never_the_method_being_written()
        => Verify<DoNotBlockOnAsyncCodeAnalyzer>.AnalyzerAsync(Usings + """
            using System.IO;

            public sealed class CountingStream(Stream inner) : Stream
            {
                public long Count { get; private set; }
                public override bool CanRead => true;
                public override bool CanSeek => false;
                public override bool CanWrite => false;
                public override long Length => inner.Length;
                public override long Position { get => inner.Position; set => inner.Position = value; }
                public override void Flush() => inner.Flush();
                public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
                public override void SetLength(long value) => inner.SetLength(value);
                public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

                public override int Read(byte[] buffer, int offset, int count)
                {
                    int read = inner.Read(buffer, offset, count);
                    Count += read;
                    return read;
                }

                public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
                {
                    await Task.Yield();
                    inner.{|THR002:Flush|}();
                    return Read(buffer, offset, count);
                }
            }
            """);

    [Fact]
    public Task Waits_on_handles_threads_and_events_block_async_code()
        => Verify<DoNotBlockOnAsyncCodeAnalyzer>.AnalyzerAsync(Usings + """
            public class Worker
            {
                public async Task Async(ManualResetEvent stopped, Thread thread, ManualResetEventSlim ready, CountdownEvent countdown, SemaphoreSlim gate)
                {
                    stopped.{|THR002:WaitOne|}();
                    stopped.{|THR002:WaitOne|}(TimeSpan.FromHours(1));
                    WaitHandle.{|THR002:WaitAll|}(new WaitHandle[] { stopped });
                    thread.{|THR002:Join|}();
                    ready.{|THR002:Wait|}();
                    countdown.{|THR002:Wait|}();
                    gate.{|THR002:Wait|}();
                    stopped.WaitOne(0);
                    thread.Join(0);
                    ready.Wait(TimeSpan.Zero);
                    await Task.Yield();
                }

                public void Sync(ManualResetEvent stopped, Thread thread)
                {
                    stopped.WaitOne();
                    thread.Join();
                }
            }
            """);

    [Fact]
    public Task Completion_proved_by_switches_successful_waits_factories_and_conditions_is_understood()
        => Verify<DoNotBlockOnAsyncCodeAnalyzer>.AnalyzerAsync(Usings + """
            public class Service
            {
                public int Switched(Task<int> t)
                {
                    switch (t.Status)
                    {
                        case TaskStatus.RanToCompletion:
                            return t.Result;
                        case TaskStatus.Faulted:
                        case TaskStatus.Canceled:
                            return t.Result;
                        case TaskStatus.Running:
                            return t.{|THR002:Result|};
                        default:
                            return t.{|THR002:Result|};
                    }
                }

                public int SwitchExpression(Task<int> t) => t.Status switch
                {
                    TaskStatus.RanToCompletion => t.Result,
                    _ => t.{|THR002:Result|},
                };

                // The bounded waits are this helper's contract (its caller's tasks); the reads after them are proved complete.
                public int AfterSuccessfulWait(Task<int> t, Task<int> u)
                {
                    if (t.Wait(1000))
                    {
                        return t.Result;
                    }

                    if (!u.Wait(TimeSpan.FromSeconds(1)))
                    {
                        throw new TimeoutException();
                    }

                    return u.Result;
                }

                public int Factories()
                {
                    var done = Task.FromResult(1);
                    Task nothing = Task.CompletedTask;
                    ValueTask<int> value = new ValueTask<int>(2);
                    nothing.Wait();
                    return done.Result + value.Result;
                }

                public bool SameCondition(Task<Reply> t, Task<Reply> u)
                    => t.IsCompletedSuccessfully && t.Result.Ok
                        || !u.IsCompleted || u.Result.Ok
                        || t.Status == TaskStatus.RanToCompletion && t.Result.Ok;

                public int EarlyExit(Task<int> t)
                {
                    if (t.IsCompleted == false)
                    {
                        return 0;
                    }

                    return t.Result;
                }

                public int ThroughAPatternVariable(Task task)
                    => task.IsCompleted && task is Task<int> typed ? typed.Result : 0;

                public int StatusPattern(Task<int> t) => t.Status is TaskStatus.RanToCompletion ? t.Result : 0;
            }

            public record Reply(bool Ok);
            """);

    [Fact]
    public Task A_proof_does_not_survive_a_reassignment_or_reach_another_branch()
        => Verify<DoNotBlockOnAsyncCodeAnalyzer>.AnalyzerAsync(Usings + """
            public class Service
            {
                public async Task<int> Reassigned(Task<int> t, Func<Task<int>> next)
                {
                    await Task.WhenAll(t);
                    t = next();
                    return t.{|THR002:Result|};
                }

                public async Task<int> ReassignedByRef(Task<int> t)
                {
                    await t;
                    Replace(ref t);
                    return t.{|THR002:Result|};
                }

                public async Task<int> ElementReplaced(Task<int>[] tasks, Func<Task<int>> next)
                {
                    await Task.WhenAll(tasks);
                    tasks[0] = next();
                    return tasks[0].{|THR002:Result|};
                }

                public async Task<int> OtherBranch(Task<int> t, bool flag)
                {
                    if (flag)
                    {
                        await t;
                    }
                    else
                    {
                        return t.{|THR002:Result|};
                    }

                    return t.{|THR002:Result|};
                }

                public async Task<int> InsideALoop(Task<int> t, int[] items)
                {
                    foreach (int item in items)
                    {
                        await t;
                    }

                    return t.{|THR002:Result|};
                }

                public int GuardInAnotherBranch(Task<int> t, bool flag)
                {
                    if (flag)
                    {
                        if (!t.IsCompleted)
                        {
                            return 0;
                        }
                    }

                    return t.{|THR002:Result|};
                }

                public int GuardOfAnotherTask(Task<int> t, Task<int> u) => u.IsCompleted ? t.{|THR002:Result|} : 0;

                private static void Replace(ref Task<int> t) => t = Task.Run(() => 1);
            }
            """);

    [Fact]
    public Task A_peer_rule_the_user_suppressed_is_respected()
        => Verify<DoNotBlockOnAsyncCodeAnalyzer>.AnalyzerAsync(Usings + """
            using System.Diagnostics.CodeAnalysis;

            [assembly: SuppressMessage("Usage", "VSTHRD002", Scope = "member", Target = "~M:Engine.ByAssemblyAttribute(System.Threading.Tasks.Task{System.Int32})~System.Int32")]

            public class Engine
            {
                [SuppressMessage("Usage", "VSTHRD002:Avoid problematic synchronous waits", Justification = "Synchronous mode by design.")]
                public int ByAttribute(Task<int> t) => t.Result;

                public int ByAssemblyAttribute(Task<int> t) => t.Result;

                public int Pragma(Task<int> t)
                {
            #pragma warning disable CA1849, MA0045 // the synchronous pipeline blocks on purpose
                    int a = t.Result;
            #pragma warning restore CA1849, MA0045
                    return a + t.{|THR002:Result|};
                }

                [SuppressMessage("Reliability", "CA2000:Dispose objects", Justification = "Unrelated.")]
                public int UnrelatedSuppression(Task<int> t) => t.{|THR002:Result|};
            }

            [SuppressMessage("Usage", "VSTHRD103")]
            public class SynchronousMode
            {
                public int Run(Task<int> t) => t.Result;
            }
            """);

    [Fact]
    public Task Blocking_that_is_the_members_contract_is_left_to_its_callers()
        => Verify<DoNotBlockOnAsyncCodeAnalyzer>.AnalyzerAsync(Usings + """
            public interface IEventManager
            {
                void Publish(string name);
                Task PublishAsync(string name);
            }

            public interface ITransaction
            {
                bool Execute();
                Task<bool> ExecuteAsync();
            }

            public interface IServer
            {
                [Obsolete("Use MakePrimaryAsync", error: true)]
                void MakeMaster();
                Task MakePrimaryAsync();
            }

            public sealed class EventManager : IEventManager, ITransaction
            {
                public void Publish(string name) => PublishAsync(name).GetAwaiter().GetResult();
                public Task PublishAsync(string name) => Task.Delay(name.Length);
                bool ITransaction.Execute() => ((ITransaction)this).ExecuteAsync().Result;
                Task<bool> ITransaction.ExecuteAsync() => Task.FromResult(true);

                private int ExecuteImpl(string sql) => ExecuteImplAsync(sql, null, default).Result;
                private Task<int> ExecuteImplAsync(string sql, object? param, CancellationToken cancellationToken) => Task.FromResult(sql.Length);

                public int NoTwin(string sql) => ExecuteImplAsync(sql, null, default).{|THR002:Result|};
            }

            internal sealed class Server : IServer
            {
                public void MakeMaster() => MakePrimaryAsync().Wait(60000);
                public Task MakePrimaryAsync() => Task.Delay(10);
            }

            public sealed class Multiplexer
            {
                public int TimeoutMilliseconds { get; set; } = 5000;

                public void Wait(Task task)
                {
                    if (!task.Wait(TimeoutMilliseconds)) throw new TimeoutException();
                }

                public bool TryWait(Task task) => task.Wait(TimeoutMilliseconds);

                public void WaitAll(params Task[] tasks)
                {
                    if (tasks.Length != 0 && !Task.WaitAll(tasks, TimeoutMilliseconds)) throw new TimeoutException();
                }

                public void WaitEach(Task[] tasks)
                {
                    foreach (Task task in tasks) task.Wait(TimeoutMilliseconds);
                    for (int i = 0; i < tasks.Length; i++)
                    {
                        var task = tasks[i];
                        task.Wait(TimeoutMilliseconds);
                    }
                }

                public void Unbounded(Task task) => task.{|THR002:Wait|}();
            }
            """);

    [Fact]
    public Task Completion_proved_across_try_blocks_local_copies_assertions_and_private_callers_is_understood()
        => Verify<DoNotBlockOnAsyncCodeAnalyzer>.AnalyzerAsync(Usings + """
            using System.Diagnostics;

            public sealed class Service<T>
            {
                private readonly TaskCompletionSource<T> _proxy = new();

                public async Task<int> AfterASwallowingTry(Task<int> aggregate)
                {
                    try
                    {
                        await aggregate;
                    }
                    catch (Exception)
                    {
                        Console.WriteLine("failed");
                    }

                    return aggregate.Result;
                }

                public async Task<int> NotFirstInTheTry(Task<int> aggregate, Func<Task> before)
                {
                    try
                    {
                        await before();
                        await aggregate;
                    }
                    catch (Exception)
                    {
                    }

                    return aggregate.{|THR002:Result|};
                }

                public T LocalCopyOfStatus(Task task)
                {
                    TaskStatus status = task.Status;
                    switch (status)
                    {
                        case TaskStatus.RanToCompletion:
                            return ((Task<T>)task).Result;
                        default:
                            throw new InvalidOperationException();
                    }
                }

                public T WaitInsideTryWhoseCatchThrows(Task<T> task, int timeout)
                {
                    try
                    {
                        if (!task.Wait(timeout)) throw new TimeoutException();
                    }
                    catch (AggregateException error)
                    {
                        throw error.InnerException!;
                    }

                    return task.Result;
                }

                public T Asserted(ValueTask<T> task)
                {
                    Debug.Assert(task.IsCompleted);
                    return task.Result;
                }

                public T AssertedThenRetested(ValueTask<T> task)
                {
                    Debug.Assert(task.IsCompleted);
                    if (task.IsCompleted)
                    {
                        return task.Result;
                    }

                    return task.Preserve().GetAwaiter().GetResult();
                }

                public void OnAttempt(Task<T> attempt)
                {
                    if (attempt.IsCompleted) Forward(attempt);
                    else attempt.ContinueWith(completed => Forward(completed), TaskScheduler.Default);
                }

                private void Forward(Task<T> attempt) => _proxy.TrySetResult(attempt.GetAwaiter().GetResult());

                public void OnAnything(Task<T> attempt) => Relay(attempt);

                private void Relay(Task<T> attempt) => _proxy.TrySetResult(attempt.GetAwaiter().{|THR002:GetResult|}());
            }
            """);

    [Fact]
    public Task Pipes_are_buffers_and_a_CA2012_suppression_counts_for_a_ValueTask()
        => Verify<DoNotBlockOnAsyncCodeAnalyzer>.AnalyzerAsync(Usings + """
            using System.IO;
            using System.IO.Pipelines;

            namespace System.IO.Pipelines
            {
                public abstract class PipeWriter
                {
                    public abstract void Complete(Exception? exception = null);
                    public virtual ValueTask CompleteAsync(Exception? exception = null) => default;
                }
            }

            public sealed class Writer(PipeWriter pipe, Stream stream)
            {
                public async Task Fail(Exception error)
                {
                    pipe.Complete(error);
                    stream.{|THR002:Flush|}();
                    await Task.Yield();
                }

                public int UnderLock(ValueTask<int> pending)
                {
            #pragma warning disable CA2012 // read under the caller's lock, where it cannot be awaited
                    return pending.GetAwaiter().GetResult();
            #pragma warning restore CA2012
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
