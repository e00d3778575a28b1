using Throttling.Analyzers.Rules;
using Throttling.CodeFixes;
using static Throttling.Analyzers.Tests.Sources;

namespace Throttling.Analyzers.Tests.Rules;

public class ReleaseSlotOnEveryPathTests
{
    [Fact]
    public Task Releases_that_are_not_guaranteed_and_waits_inside_the_releasing_try_are_flagged()
        => Verify<ReleaseSlotOnEveryPathAnalyzer>.AnalyzerAsync(Usings + """
            using System.Threading.RateLimiting;

            public class Worker
            {
                private readonly SemaphoreSlim _gate = new(4);

                public async Task NotInFinally()
                {
                    await _gate.{|THR004:WaitAsync|}();
                    await Work();
                    _gate.Release();
                }

                public async Task SomethingThatThrowsBeforeTheTry()
                {
                    await _gate.{|THR004:WaitAsync|}();
                    await Work();
                    try { await Work(); }
                    finally { _gate.Release(); }
                }

                public async Task WaitInsideTry(CancellationToken token)
                {
                    try
                    {
                        await _gate.{|THR004:WaitAsync|}(token);
                        await Work();
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }

                public async Task TimedWaitInsideTry()
                {
                    try
                    {
                        if (!await _gate.{|THR004:WaitAsync|}(TimeSpan.FromSeconds(1))) return;
                        await Work();
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }

                public async Task Leases(RateLimiter limiter)
                {
                    RateLimitLease lease = await limiter.{|THR004:AcquireAsync|}();
                    await Work();
                    lease.Dispose();
                    await limiter.{|THR004:AcquireAsync|}();
                    _ = await limiter.{|THR004:AcquireAsync|}().ConfigureAwait(false);
                    var attempt = limiter.{|THR004:AttemptAcquire|}();
                }

                public async Task<bool> LeasesReadAndDropped(RateLimiter limiter)
                {
                    if (!limiter.{|THR004:AttemptAcquire|}().IsAcquired)
                    {
                        return false;
                    }

                    bool acquired = (await limiter.{|THR004:AcquireAsync|}(2)).IsAcquired;
                    RateLimitLease later;
                    later = await limiter.{|THR004:AcquireAsync|}();
                    await Work();
                    later.Dispose();
                    return acquired;
                }

                private static Task Work() => Task.CompletedTask;
            }
            """);

    [Fact]
    public Task Balanced_slots_and_leases_are_not_flagged()
        => Verify<ReleaseSlotOnEveryPathAnalyzer>.AnalyzerAsync(Usings + """
            using System.Threading.RateLimiting;

            public class Worker
            {
                private readonly SemaphoreSlim _gate = new(4);
                private RateLimitLease? _held;

                public async Task WaitThenTry(CancellationToken token)
                {
                    await _gate.WaitAsync(token);
                    int attempts = 0;
                    try { attempts++; await Work(); }
                    finally { _gate.Release(); }
                }

                public async Task TimedWaitBeforeTry()
                {
                    if (!await _gate.WaitAsync(TimeSpan.FromSeconds(1))) return;
                    try { await Work(); }
                    finally { _gate.Release(); }
                }

                public async Task FlagGuardedRelease()
                {
                    bool taken = false;
                    try
                    {
                        await _gate.WaitAsync();
                        taken = true;
                        await Work();
                    }
                    finally
                    {
                        if (taken) _gate.Release();
                    }
                }

                public async Task ReleasedByTheTaskItStarts(List<Task> running)
                {
                    await _gate.WaitAsync();
                    running.Add(Task.Run(async () =>
                    {
                        try { await Work(); }
                        finally { _gate.Release(); }
                    }));
                }

                public Task Enter() => _gate.WaitAsync();

                public async Task SuccessBranch()
                {
                    if (await _gate.WaitAsync(TimeSpan.FromSeconds(1)))
                    {
                        try { await Work(); }
                        finally { _gate.Release(); }
                    }
                }

                public async Task ConditionalDispose(RateLimiter limiter)
                {
                    RateLimitLease? lease = null;
                    try
                    {
                        lease = await limiter.AcquireAsync().ConfigureAwait(false);
                        await Work();
                    }
                    finally
                    {
                        lease?.Dispose();
                    }
                }

                public async Task<RateLimitLease> Leases(RateLimiter limiter)
                {
                    using RateLimitLease first = await limiter.AcquireAsync();
                    using (RateLimitLease second = limiter.AttemptAcquire()) { }
                    RateLimitLease third = await limiter.AcquireAsync();
                    try { await Work(); }
                    finally { third.Dispose(); }
                    _held = limiter.AttemptAcquire();
                    RateLimitLease returned = await limiter.AcquireAsync();
                    return returned;
                }

                public async Task AssignedThenDisposedInFinally(RateLimiter limiter)
                {
                    RateLimitLease lease;
                    lease = await limiter.AcquireAsync();
                    try { await Work(); }
                    finally { lease.Dispose(); }
                    limiter.AttemptAcquire().Dispose();
                }

                private static Task Work() => Task.CompletedTask;
            }
            """);

    [Fact]
    public Task The_fix_releases_in_a_finally()
        => Verify<ReleaseSlotOnEveryPathAnalyzer, ReleaseSlotOnEveryPathCodeFixProvider>.CodeFixAsync(
            Usings + """
            public class Worker
            {
                private readonly SemaphoreSlim _gate = new(4);

                public async Task First()
                {
                    await _gate.{|THR004:WaitAsync|}();
                    await Work();
                    await Work();
                    _gate.Release();
                }

                public void Second()
                {
                    _gate.{|THR004:Wait|}();
                    Work().Wait();
                    _gate.Release();
                }

                private static Task Work() => Task.CompletedTask;
            }
            """,
            Usings + """
            public class Worker
            {
                private readonly SemaphoreSlim _gate = new(4);

                public async Task First()
                {
                    await _gate.WaitAsync();
                    try
                    {
                        await Work();
                        await Work();
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }

                public void Second()
                {
                    _gate.Wait();
                    try
                    {
                        Work().Wait();
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }

                private static Task Work() => Task.CompletedTask;
            }
            """);

    [Fact]
    public Task The_fix_declares_before_the_try_what_code_after_the_release_reads()
        => Verify<ReleaseSlotOnEveryPathAnalyzer, ReleaseSlotOnEveryPathCodeFixProvider>.CodeFixAsync(
            Usings + """
            public class Worker
            {
                private readonly SemaphoreSlim _gate = new(4);

                public async Task<string> Fetch(string url)
                {
                    await _gate.{|THR004:WaitAsync|}();
                    var page = await Download(url);
                    int length = page.Length, tries = 1;
                    _gate.Release();
                    return page + length + tries;
                }

                private static Task<string> Download(string url) => Task.FromResult(url);
            }
            """,
            Usings + """
            public class Worker
            {
                private readonly SemaphoreSlim _gate = new(4);

                public async Task<string> Fetch(string url)
                {
                    await _gate.WaitAsync();
                    string page;
                    int length, tries;
                    try
                    {
                        page = await Download(url);
                        length = page.Length;
                        tries = 1;
                    }
                    finally
                    {
                        _gate.Release();
                    }

                    return page + length + tries;
                }

                private static Task<string> Download(string url) => Task.FromResult(url);
            }
            """);

    [Fact]
    public Task The_fix_waits_before_the_try()
        => Verify<ReleaseSlotOnEveryPathAnalyzer, ReleaseSlotOnEveryPathCodeFixProvider>.CodeFixAsync(
            Usings + """
            public class Worker
            {
                private readonly SemaphoreSlim _gate = new(4);

                public async Task Run(CancellationToken token)
                {
                    try
                    {
                        await _gate.{|THR004:WaitAsync|}(token);
                        await Work();
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }

                private static Task Work() => Task.CompletedTask;
            }
            """,
            Usings + """
            public class Worker
            {
                private readonly SemaphoreSlim _gate = new(4);

                public async Task Run(CancellationToken token)
                {
                    await _gate.WaitAsync(token);
                    try
                    {
                        await Work();
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }

                private static Task Work() => Task.CompletedTask;
            }
            """);

    [Fact]
    public Task The_fix_disposes_leases_with_using()
        => Verify<ReleaseSlotOnEveryPathAnalyzer, ReleaseSlotOnEveryPathCodeFixProvider>.CodeFixAsync(
            Usings + """
            using System.Threading.RateLimiting;

            public class Worker
            {
                public async Task Run(RateLimiter limiter)
                {
                    RateLimitLease lease = await limiter.{|THR004:AcquireAsync|}();
                    await Work();
                    lease.Dispose();
                }

                public void Attempt(RateLimiter limiter)
                {
                    var lease = limiter.{|THR004:AttemptAcquire|}();
                    Work().Wait();
                }

                private static Task Work() => Task.CompletedTask;
            }
            """,
            Usings + """
            using System.Threading.RateLimiting;

            public class Worker
            {
                public async Task Run(RateLimiter limiter)
                {
                    using RateLimitLease lease = await limiter.AcquireAsync();
                    await Work();
                }

                public void Attempt(RateLimiter limiter)
                {
                    using var lease = limiter.AttemptAcquire();
                    Work().Wait();
                }

                private static Task Work() => Task.CompletedTask;
            }
            """);

    [Fact]
    public Task No_fix_where_the_rewrite_would_change_meaning_or_not_compile()
        => Verify<ReleaseSlotOnEveryPathAnalyzer, ReleaseSlotOnEveryPathCodeFixProvider>.NoCodeFixAsync(Usings + """
            using System.Threading.RateLimiting;

            public class Worker
            {
                private readonly SemaphoreSlim _gate = new(4);

                public async Task<int> ReadsAnOutVariableAfterTheRelease()
                {
                    await _gate.{|THR004:WaitAsync|}();
                    int.TryParse((await Work()).ToString(), out int parsed);
                    _gate.Release();
                    return parsed;
                }

                public async Task ReleasesEarlyToo(bool early)
                {
                    await _gate.{|THR004:WaitAsync|}();
                    if (early) { _gate.Release(); return; }
                    await Work();
                    _gate.Release();
                }

                public async Task CatchesCancellation(CancellationToken token)
                {
                    try
                    {
                        await _gate.{|THR004:WaitAsync|}(token);
                        await Work();
                    }
                    catch (OperationCanceledException)
                    {
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }

                public async Task DisposedMidway(RateLimiter limiter)
                {
                    RateLimitLease lease = await limiter.{|THR004:AcquireAsync|}();
                    lease.Dispose();
                    await Work();
                }

                private static Task<int> Work() => Task.FromResult(1);
            }
            """);
}
