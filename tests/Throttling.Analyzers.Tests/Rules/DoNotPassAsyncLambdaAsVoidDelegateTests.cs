using Throttling.Analyzers.Rules;
using Throttling.CodeFixes;
using static Throttling.Analyzers.Tests.Sources;

namespace Throttling.Analyzers.Tests.Rules;

public class DoNotPassAsyncLambdaAsVoidDelegateTests
{
    [Fact]
    public Task Async_lambdas_that_become_async_void_are_flagged()
        => Verify<DoNotPassAsyncLambdaAsVoidDelegateAnalyzer>.AnalyzerAsync(Usings + """
            public class Service
            {
                public void Run(List<int> items)
                {
                    Parallel.ForEach(items, {|THR005:async|} item => await Work(item));
                    items.ForEach({|THR005:async|} item => await Work(item));
                    Action later = {|THR005:async|} () => await Work(0);
                    var thread = new Thread({|THR005:async|} () => await Work(1));
                }

                private static Task Work(int item) => Task.CompletedTask;
            }
            """);

    [Fact]
    public Task Event_handlers_and_task_returning_delegates_are_not_flagged()
        => Verify<DoNotPassAsyncLambdaAsVoidDelegateAnalyzer>.AnalyzerAsync(Usings + """
            public class Service
            {
                public event EventHandler? Changed;

                public void Run()
                {
                    Changed += async (sender, args) => await Task.Yield();
                    Func<Task> later = async () => await Task.Yield();
                    _ = Task.Run(async () => await Task.Yield());
                    Action sync = () => Console.WriteLine("sync");
                }
            }
            """);

    [Fact]
    public Task Async_void_methods_passed_as_method_groups_are_flagged()
        => Verify<DoNotPassAsyncLambdaAsVoidDelegateAnalyzer>.AnalyzerAsync(Usings + """
            public class Worker
            {
                public event EventHandler? Changed;

                public void Start(CancellationToken cancellationToken, List<int> items)
                {
                    Task.Factory.StartNew({|THR005:UpdateWorker|}, TaskCreationOptions.LongRunning);
                    cancellationToken.Register({|THR005:OnCancelled|});
                    items.ForEach({|THR005:Process|});
                    Action local = {|THR005:Local|};
                    Changed += OnChanged;
                    Task.Run(UpdateTask);
                    Task.Factory.StartNew(Synchronous);

                    async void Local() => await Task.Yield();
                }

                private async void UpdateWorker() => await Task.Delay(1000);
                private async void OnCancelled() => await Task.Yield();
                private async void Process(int item) => await Task.Yield();
                private async void OnChanged(object? sender, EventArgs args) => await Task.Yield();
                private async Task UpdateTask() => await Task.Yield();
                private void Synchronous() { }
            }
            """);

    [Fact]
    public Task Callbacks_that_contain_their_failures_and_work_posted_to_a_context_are_not_flagged()
        => Verify<DoNotPassAsyncLambdaAsVoidDelegateAnalyzer>.AnalyzerAsync(Usings + """
            public sealed class Reporter(Func<long, Task> report, SynchronizationContext pump)
            {
                private Timer? _timer;
                private long _position;

                public void Start()
                {
                    _timer = new Timer(OnTick, null, 1000, 1000);
                    _timer = new Timer({|THR005:OnTickUnguarded|}, null, 1000, 1000);
                    _timer = new Timer(async _ =>
                    {
                        try { await report(_position); }
                        catch (Exception error) { Console.Error.WriteLine(error); }
                    }, null, 1000, 1000);
                    _timer = new Timer({|THR005:async|} _ =>
                    {
                        try { await report(_position); }
                        catch (InvalidOperationException) { }
                    }, null, 1000, 1000);
                    pump.Post(async _ => await report(0), null);
                }

                private async void OnTick(object? state)
                {
                    long next = _position;
                    try
                    {
                        await report(next).ConfigureAwait(false);
                    }
                    catch
                    {
                    }
                }

                private async void OnTickUnguarded(object? state)
                {
                    Validate(_position);
                    try
                    {
                        await report(_position);
                    }
                    catch (Exception)
                    {
                    }
                }

                private static void Validate(long position) => ArgumentOutOfRangeException.ThrowIfNegative(position);
            }
            """);

    [Fact]
    public Task The_fix_awaits_Parallel_ForEachAsync()
        => Verify<DoNotPassAsyncLambdaAsVoidDelegateAnalyzer, DoNotPassAsyncLambdaAsVoidDelegateCodeFixProvider>.CodeFixAsync(
            Usings + """
            public class Service
            {
                public async Task Run(List<int> items, int[] more)
                {
                    Parallel.ForEach(items, {|THR005:async|} item => await Work(item));
                    Parallel.ForEach(more, {|THR005:async|} (int item) => { await Work(item); });
                }

                private static Task Work(int item) => Task.CompletedTask;
            }
            """,
            Usings + """
            public class Service
            {
                public async Task Run(List<int> items, int[] more)
                {
                    await Parallel.ForEachAsync(items, async (item, cancellationToken) => await Work(item));
                    await Parallel.ForEachAsync(more, async (int item, CancellationToken cancellationToken) => { await Work(item); });
                }

                private static Task Work(int item) => Task.CompletedTask;
            }
            """);

    [Fact]
    public Task The_fix_returns_a_Task_from_locals_that_are_only_invoked_and_awaits_the_calls()
        => Verify<DoNotPassAsyncLambdaAsVoidDelegateAnalyzer, DoNotPassAsyncLambdaAsVoidDelegateCodeFixProvider>.CodeFixAsync(
            Usings + """
            public class Service
            {
                public async Task Run()
                {
                    Action<int> later = {|THR005:async|} n => await Work(n);
                    Action now = {|THR005:async|} () => await Work(0);
                    later(1);
                    now.Invoke();
                }

                private static Task Work(int item) => Task.CompletedTask;
            }
            """,
            Usings + """
            public class Service
            {
                public async Task Run()
                {
                    Func<int, Task> later = async n => await Work(n);
                    Func<Task> now = async () => await Work(0);
                    await later(1);
                    await now.Invoke();
                }

                private static Task Work(int item) => Task.CompletedTask;
            }
            """);

    [Fact]
    public Task No_fix_where_the_rewrite_could_change_meaning()
        => Verify<DoNotPassAsyncLambdaAsVoidDelegateAnalyzer, DoNotPassAsyncLambdaAsVoidDelegateCodeFixProvider>.NoCodeFixAsync(Usings + """
            public class Service
            {
                public void Run(List<int> items, Action<Action> schedule)
                {
                    Parallel.ForEach(items, {|THR005:async|} item => await Work(item));
                    items.ForEach({|THR005:async|} item => await Work(item));
                    Action handedOn = {|THR005:async|} () => await Work(0);
                    schedule(handedOn);
                    Action calledFromSyncCode = {|THR005:async|} () => await Work(1);
                    calledFromSyncCode();
                }

                private static Task Work(int item) => Task.CompletedTask;
            }
            """);
}
