using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Throttling;

public sealed partial class CallGate
{
    /// <summary>
    /// Runs a call returning <see cref="IAsyncEnumerable{T}"/>: the call's turn is taken when enumeration starts and its
    /// slot is held until enumeration ends or the enumerator is disposed. A throttle signalled before the first item is
    /// retried; after items have been yielded it is not, since a retry would repeat them.
    /// </summary>
    /// <param name="state">What <paramref name="call"/> needs: the inner client and the arguments.</param>
    /// <param name="call">Starts the call; a static lambda.</param>
    /// <param name="cancellationToken">The method's token: cancels the wait for the call's turn and the backoff.</param>
    public IAsyncEnumerable<T> RunStream<TState, T>(TState state, Func<TState, IAsyncEnumerable<T>> call, CancellationToken cancellationToken = default)
        => StreamAsync(Uncosted, state, call, cancellationToken);

    /// <summary>
    /// Runs a call returning <see cref="IAsyncEnumerable{T}"/> that costs <paramref name="cost"/> in the client's limits
    /// that count units; a stream reports no cost of its own, so its reservation stands.
    /// </summary>
    /// <param name="cost">The call's declared cost (its <see cref="CostAttribute"/> parameter); zero or more.</param>
    /// <param name="state">What <paramref name="call"/> needs: the inner client and the arguments.</param>
    /// <param name="call">Starts the call; a static lambda.</param>
    /// <param name="cancellationToken">The method's token: cancels the wait for the call's turn and the backoff.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cost"/> is negative.</exception>
    public IAsyncEnumerable<T> RunStreamWithCost<TState, T>(long cost, TState state, Func<TState, IAsyncEnumerable<T>> call, CancellationToken cancellationToken)
        => Charge(cost, out int charged) is { } rejected ? Rejected<T>(rejected) : StreamAsync(charged, state, call, cancellationToken);

    // A stream fails where its enumeration starts, as a waiting one would.
#pragma warning disable CS1998 // An iterator that only throws.
    private static async IAsyncEnumerable<T> Rejected<T>(Exception rejection)
    {
        throw rejection;
#pragma warning disable CS0162 // The yield makes this an iterator.
        yield break;
#pragma warning restore CS0162
    }
#pragma warning restore CS1998

    private async IAsyncEnumerable<T> StreamAsync<TState, T>(int cost, TState state, Func<TState, IAsyncEnumerable<T>> call, CancellationToken methodToken, [EnumeratorCancellation] CancellationToken enumeratorToken = default)
    {
        using CancellationTokenSource? linked = methodToken.CanBeCanceled && enumeratorToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(methodToken, enumeratorToken)
            : null;
        CancellationToken waitToken = linked?.Token ?? (enumeratorToken.CanBeCanceled ? enumeratorToken : methodToken);

        for (int retry = 0; ; retry++)
        {
            long started = Client.Invoked(Stage, await Client.EnterAsync(Stage, cost, waitToken).ConfigureAwait(false), cost);
            IAsyncEnumerator<T>? enumerator = null;
            bool hasItem = false;
            bool streaming = false;
            long retryAt = default;
            try
            {
                enumerator = call(state).GetAsyncEnumerator(enumeratorToken);
                hasItem = await enumerator.MoveNextAsync().ConfigureAwait(false);
                streaming = true;
            }
            catch (Exception exception)
            {
                // Retried below, after this attempt is cleaned up. Decided here rather than in a filter, so that a failure
                // of the decision itself surfaces instead of silently ending the retries.
                if (!Client.IsServerThrottle(exception, out RetryAfter retryAfter) || !Client.ShouldRetry(_backoff, retry, retryAfter, out retryAt))
                {
                    throw;
                }
            }
            finally
            {
                if (!streaming)
                {
                    await DisposeAndExitAsync(enumerator, started, cost).ConfigureAwait(false);
                }
            }

            if (!streaming)
            {
                await Client.DelayUntilAsync(retryAt, waitToken).ConfigureAwait(false);
                continue;
            }

            try
            {
                while (hasItem)
                {
                    yield return enumerator!.Current;
                    hasItem = await enumerator.MoveNextAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                await DisposeAndExitAsync(enumerator, started, cost).ConfigureAwait(false);
            }

            yield break;
        }
    }

    private async System.Threading.Tasks.ValueTask DisposeAndExitAsync<T>(IAsyncEnumerator<T>? enumerator, long started, int cost)
    {
        try
        {
            if (enumerator is not null)
            {
                await enumerator.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            Client.Exit(Stage, started, cost);
        }
    }
}
