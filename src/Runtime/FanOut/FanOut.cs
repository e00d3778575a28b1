using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace Throttling;

/// <summary>
/// <c>Task.WhenAll</c> over a sequence with at most <c>maxConcurrency</c> tasks running at once: what the THR001 code fix
/// rewrites <c>Task.WhenAll(items.Select(selector))</c> to.
/// </summary>
/// <remarks>
/// The source is enumerated lazily, one item per free worker; results come back in input order. The first failure
/// stops new starts, cancels the token the selector got, and surfaces once the running tasks have finished (not an
/// aggregate of everything that failed afterwards). Cancelling <c>cancellationToken</c> stops new starts too.
/// </remarks>
public static class FanOut
{
    /// <summary>Runs <paramref name="selector"/> on every item, at most <paramref name="maxConcurrency"/> at once; results in input order.</summary>
    public static Task<TResult[]> WhenAll<TSource, TResult>(IEnumerable<TSource> source, Func<TSource, Task<TResult>> selector, int maxConcurrency, CancellationToken cancellationToken = default)
    {
        if (selector is null)
        {
            throw new ArgumentNullException(nameof(selector));
        }

        return WhenAll(source, (item, _) => selector(item), maxConcurrency, cancellationToken);
    }

    /// <summary>Runs <paramref name="selector"/> on every item, at most <paramref name="maxConcurrency"/> at once; results in input order.</summary>
    public static async Task<TResult[]> WhenAll<TSource, TResult>(IEnumerable<TSource> source, Func<TSource, CancellationToken, Task<TResult>> selector, int maxConcurrency, CancellationToken cancellationToken = default)
    {
        var results = new List<TResult>();
        await RunAsync(source, selector, maxConcurrency, (index, result) =>
        {
            lock (results)
            {
                while (results.Count <= index)
                {
                    results.Add(default!);
                }

                results[index] = result;
            }
        }, cancellationToken).ConfigureAwait(false);
        return results.ToArray();
    }

    /// <summary>Runs <paramref name="action"/> on every item, at most <paramref name="maxConcurrency"/> at once.</summary>
    public static Task WhenAll<TSource>(IEnumerable<TSource> source, Func<TSource, Task> action, int maxConcurrency, CancellationToken cancellationToken = default)
    {
        if (action is null)
        {
            throw new ArgumentNullException(nameof(action));
        }

        return WhenAll(source, (item, _) => action(item), maxConcurrency, cancellationToken);
    }

    /// <summary>Runs <paramref name="action"/> on every item, at most <paramref name="maxConcurrency"/> at once.</summary>
    public static Task WhenAll<TSource>(IEnumerable<TSource> source, Func<TSource, CancellationToken, Task> action, int maxConcurrency, CancellationToken cancellationToken = default)
    {
        if (action is null)
        {
            throw new ArgumentNullException(nameof(action));
        }

        return RunAsync<TSource, bool>(source, async (item, token) =>
        {
            await action(item, token).ConfigureAwait(false);
            return true;
        }, maxConcurrency, static (_, _) => { }, cancellationToken);
    }

    private static async Task RunAsync<TSource, TResult>(
        IEnumerable<TSource> source,
        Func<TSource, CancellationToken, Task<TResult>> selector,
        int maxConcurrency,
        Action<int, TResult> store,
        CancellationToken cancellationToken)
    {
        if (source is null)
        {
            throw new ArgumentNullException(nameof(source));
        }

        if (selector is null)
        {
            throw new ArgumentNullException(nameof(selector));
        }

        if (maxConcurrency < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxConcurrency), maxConcurrency, "At least one task must be allowed to run.");
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using IEnumerator<TSource> items = source.GetEnumerator();
        var state = new RunState();

        async Task WorkAsync()
        {
            try
            {
                while (true)
                {
                    int index;
                    TSource item;
                    lock (state)
                    {
                        if (stop.IsCancellationRequested || !items.MoveNext())
                        {
                            return;
                        }

                        index = state.Started++;
                        item = items.Current;
                    }

                    store(index, await selector(item, stop.Token).ConfigureAwait(false));
                }
            }
            catch (Exception exception)
            {
                lock (state)
                {
                    state.FirstFailure ??= ExceptionDispatchInfo.Capture(exception);
                }

                stop.Cancel();
            }
        }

        // Workers start on the caller's context, as the tasks of Task.WhenAll(items.Select(...)) would.
        int workerCount = source is IReadOnlyCollection<TSource> collection ? Math.Min(maxConcurrency, Math.Max(collection.Count, 1)) : maxConcurrency;
        var workers = new Task[workerCount];
        for (int i = 0; i < workers.Length; i++)
        {
            workers[i] = WorkAsync();
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        state.FirstFailure?.Throw();
        cancellationToken.ThrowIfCancellationRequested();
    }

    private sealed class RunState
    {
        public int Started { get; set; }

        public ExceptionDispatchInfo? FirstFailure { get; set; }
    }
}
