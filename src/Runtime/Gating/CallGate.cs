using System;
using System.Collections.Generic;
using System.Linq;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Throttling;

/// <summary>
/// Where a generated client's method calls go through: one entry point per return shape, taking a static lambda and
/// its state so that a call admitted at once, which completes without a 429, allocates nothing of its own.
/// </summary>
/// <remarks>
/// Every entry point waits for the call's turn (cancellable by <c>cancellationToken</c>), runs it, frees its slot when it
/// completes, fails or is cancelled, and retries it while the server throttles it and the backoff allows. When retries
/// run out the caller gets exactly what the server gave: the 429 response, or the original exception.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed partial class CallGate
{
    // What a call without a [Cost] is charged in limits that count units.
    private const int Uncosted = 1;

    private readonly BackoffPolicy _backoff;

    // The limits of the client and the method that count units: a cost beyond any of them could never start.
    private readonly RateLimitPolicy[] _weighted;

    internal CallGate(ClientThrottle client, MethodStage stage, BackoffPolicy backoff, IReadOnlyList<RateLimitPolicy> methodLimits)
    {
        Client = client;
        Stage = stage;
        _backoff = backoff;
        _weighted = client.Policy.RateLimits.Concat(methodLimits).Where(l => l.IsWeighted).ToArray();
    }

    /// <summary>The budget this gate draws from.</summary>
    public ClientThrottle Client { get; }

    internal MethodStage Stage { get; }

    /// <summary>Runs a call returning <see cref="Task{TResult}"/>.</summary>
    /// <param name="state">What <paramref name="call"/> needs: the inner client and the arguments.</param>
    /// <param name="call">Starts the call; a static lambda.</param>
    /// <param name="cancellationToken">Cancels the wait for the call's turn and the backoff between attempts.</param>
    public Task<TResult> RunAsync<TState, TResult>(TState state, Func<TState, Task<TResult>> call, CancellationToken cancellationToken = default)
        => RunAsync(state, call, detector: null, cancellationToken);

    /// <summary>Runs a call returning <see cref="Task{TResult}"/>, retrying results that <paramref name="detector"/> says were throttled.</summary>
    /// <param name="state">What <paramref name="call"/> needs: the inner client and the arguments.</param>
    /// <param name="call">Starts the call; a static lambda.</param>
    /// <param name="detector">Recognizes throttled results, such as <see cref="ServerThrottle.HttpResponse"/>.</param>
    /// <param name="cancellationToken">Cancels the wait for the call's turn and the backoff between attempts.</param>
    public Task<TResult> RunAsync<TState, TResult>(TState state, Func<TState, Task<TResult>> call, ThrottleDetector<TResult>? detector, CancellationToken cancellationToken = default)
        => Run(Uncosted, state, call, detector, cancellationToken);

    /// <summary>
    /// Runs a call returning <see cref="Task{TResult}"/> that costs <paramref name="cost"/> in the client's limits that
    /// count units; a result implementing <see cref="IReportsCost"/> settles it.
    /// </summary>
    /// <param name="cost">The call's declared cost (its <see cref="CostAttribute"/> parameter); zero or more.</param>
    /// <param name="state">What <paramref name="call"/> needs: the inner client and the arguments.</param>
    /// <param name="call">Starts the call; a static lambda.</param>
    /// <param name="detector">Recognizes throttled results, such as <see cref="ServerThrottle.HttpResponse"/>.</param>
    /// <param name="cancellationToken">Cancels the wait for the call's turn and the backoff between attempts.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cost"/> is negative.</exception>
    /// <exception cref="ThrottlingRejectedException"><paramref name="cost"/> exceeds a whole limit (<see cref="RejectionReason.CostExceedsLimit"/>).</exception>
    public Task<TResult> RunWithCostAsync<TState, TResult>(long cost, TState state, Func<TState, Task<TResult>> call, ThrottleDetector<TResult>? detector, CancellationToken cancellationToken)
        => Charge(cost, out int charged) is { } rejected ? Task.FromException<TResult>(rejected) : Run(charged, state, call, detector, cancellationToken);

    private Task<TResult> Run<TState, TResult>(int cost, TState state, Func<TState, Task<TResult>> call, ThrottleDetector<TResult>? detector, CancellationToken cancellationToken)
    {
        if (!Client.TryEnter(Stage, cost, out long started))
        {
            return RunAttemptsAsync<TState, TResult>(null, 0, 0, cost, state, call, detector, cancellationToken);
        }

        long mark = Client.Starts;
        Task<TResult> attempt = Start(call, state);
        if (attempt.Status == TaskStatus.RanToCompletion && !IsThrottled(detector, attempt.Result, out Exception? detectorFailure))
        {
            Client.Observe(mark, Stage, started, cost, attempt.Result);
            Client.Exit(Stage, started, cost);
            return detectorFailure is null ? attempt : Task.FromException<TResult>(detectorFailure);
        }

        return RunAttemptsAsync<TState, TResult>(attempt, started, mark, cost, state, call, detector, cancellationToken);
    }

    /// <summary>Runs a call returning <see cref="Task"/>.</summary>
    /// <param name="state">What <paramref name="call"/> needs: the inner client and the arguments.</param>
    /// <param name="call">Starts the call; a static lambda.</param>
    /// <param name="cancellationToken">Cancels the wait for the call's turn and the backoff between attempts.</param>
    public Task RunAsync<TState>(TState state, Func<TState, Task> call, CancellationToken cancellationToken = default)
        => Run(Uncosted, state, call, cancellationToken);

    /// <summary>Runs a call returning <see cref="Task"/> that costs <paramref name="cost"/> in the client's limits that count units.</summary>
    /// <param name="cost">The call's declared cost (its <see cref="CostAttribute"/> parameter); zero or more.</param>
    /// <param name="state">What <paramref name="call"/> needs: the inner client and the arguments.</param>
    /// <param name="call">Starts the call; a static lambda.</param>
    /// <param name="cancellationToken">Cancels the wait for the call's turn and the backoff between attempts.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cost"/> is negative.</exception>
    /// <exception cref="ThrottlingRejectedException"><paramref name="cost"/> exceeds a whole limit (<see cref="RejectionReason.CostExceedsLimit"/>).</exception>
    public Task RunWithCostAsync<TState>(long cost, TState state, Func<TState, Task> call, CancellationToken cancellationToken)
        => Charge(cost, out int charged) is { } rejected ? Task.FromException(rejected) : Run(charged, state, call, cancellationToken);

    private Task Run<TState>(int cost, TState state, Func<TState, Task> call, CancellationToken cancellationToken)
    {
        if (!Client.TryEnter(Stage, cost, out long started))
        {
            return RunAttemptsAsync<TState, VoidResult>(null, 0, 0, cost, state, call, null, cancellationToken);
        }

        long mark = Client.Starts;
        Task attempt = Start(call, state);
        if (attempt.Status == TaskStatus.RanToCompletion)
        {
            Client.Exit(Stage, started, cost);
            return attempt;
        }

        return RunAttemptsAsync<TState, VoidResult>(attempt, started, mark, cost, state, call, null, cancellationToken);
    }

    /// <summary>Runs a call returning <see cref="ValueTask{TResult}"/>.</summary>
    /// <param name="state">What <paramref name="call"/> needs: the inner client and the arguments.</param>
    /// <param name="call">Starts the call; a static lambda.</param>
    /// <param name="cancellationToken">Cancels the wait for the call's turn and the backoff between attempts.</param>
    public ValueTask<TResult> RunAsync<TState, TResult>(TState state, Func<TState, ValueTask<TResult>> call, CancellationToken cancellationToken = default)
        => RunAsync(state, call, detector: null, cancellationToken);

    /// <summary>Runs a call returning <see cref="ValueTask{TResult}"/>, retrying results that <paramref name="detector"/> says were throttled.</summary>
    /// <param name="state">What <paramref name="call"/> needs: the inner client and the arguments.</param>
    /// <param name="call">Starts the call; a static lambda.</param>
    /// <param name="detector">Recognizes throttled results.</param>
    /// <param name="cancellationToken">Cancels the wait for the call's turn and the backoff between attempts.</param>
    public ValueTask<TResult> RunAsync<TState, TResult>(TState state, Func<TState, ValueTask<TResult>> call, ThrottleDetector<TResult>? detector, CancellationToken cancellationToken = default)
        => Run(Uncosted, state, call, detector, cancellationToken);

    /// <summary>
    /// Runs a call returning <see cref="ValueTask{TResult}"/> that costs <paramref name="cost"/> in the client's limits
    /// that count units; a result implementing <see cref="IReportsCost"/> settles it.
    /// </summary>
    /// <param name="cost">The call's declared cost (its <see cref="CostAttribute"/> parameter); zero or more.</param>
    /// <param name="state">What <paramref name="call"/> needs: the inner client and the arguments.</param>
    /// <param name="call">Starts the call; a static lambda.</param>
    /// <param name="detector">Recognizes throttled results.</param>
    /// <param name="cancellationToken">Cancels the wait for the call's turn and the backoff between attempts.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cost"/> is negative.</exception>
    /// <exception cref="ThrottlingRejectedException"><paramref name="cost"/> exceeds a whole limit (<see cref="RejectionReason.CostExceedsLimit"/>).</exception>
    public ValueTask<TResult> RunWithCostAsync<TState, TResult>(long cost, TState state, Func<TState, ValueTask<TResult>> call, ThrottleDetector<TResult>? detector, CancellationToken cancellationToken)
        => Charge(cost, out int charged) is { } rejected ? new ValueTask<TResult>(Task.FromException<TResult>(rejected)) : Run(charged, state, call, detector, cancellationToken);

    private ValueTask<TResult> Run<TState, TResult>(int cost, TState state, Func<TState, ValueTask<TResult>> call, ThrottleDetector<TResult>? detector, CancellationToken cancellationToken)
    {
        if (!Client.TryEnter(Stage, cost, out long started))
        {
            return new ValueTask<TResult>(RunAttemptsAsync(null, 0, 0, cost, (state, call), static s => Start(s.call, s.state).AsTask(), detector, cancellationToken));
        }

        long mark = Client.Starts;
        ValueTask<TResult> attempt = Start(call, state);
        if (attempt.IsCompletedSuccessfully)
        {
            // Reading the result consumes a pooled ValueTask, so the caller gets a fresh one holding it.
            TResult result = attempt.Result;
            if (!IsThrottled(detector, result, out Exception? detectorFailure))
            {
                Client.Observe(mark, Stage, started, cost, result);
                Client.Exit(Stage, started, cost);
                return detectorFailure is null ? new ValueTask<TResult>(result) : new ValueTask<TResult>(Task.FromException<TResult>(detectorFailure));
            }

            return new ValueTask<TResult>(RunAttemptsAsync(Task.FromResult(result), started, mark, cost, (state, call), static s => Start(s.call, s.state).AsTask(), detector, cancellationToken));
        }

        return new ValueTask<TResult>(RunAttemptsAsync(attempt.AsTask(), started, mark, cost, (state, call), static s => Start(s.call, s.state).AsTask(), detector, cancellationToken));
    }

    /// <summary>Runs a call returning <see cref="ValueTask"/>.</summary>
    /// <param name="state">What <paramref name="call"/> needs: the inner client and the arguments.</param>
    /// <param name="call">Starts the call; a static lambda.</param>
    /// <param name="cancellationToken">Cancels the wait for the call's turn and the backoff between attempts.</param>
    public ValueTask RunAsync<TState>(TState state, Func<TState, ValueTask> call, CancellationToken cancellationToken = default)
        => Run(Uncosted, state, call, cancellationToken);

    /// <summary>Runs a call returning <see cref="ValueTask"/> that costs <paramref name="cost"/> in the client's limits that count units.</summary>
    /// <param name="cost">The call's declared cost (its <see cref="CostAttribute"/> parameter); zero or more.</param>
    /// <param name="state">What <paramref name="call"/> needs: the inner client and the arguments.</param>
    /// <param name="call">Starts the call; a static lambda.</param>
    /// <param name="cancellationToken">Cancels the wait for the call's turn and the backoff between attempts.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cost"/> is negative.</exception>
    /// <exception cref="ThrottlingRejectedException"><paramref name="cost"/> exceeds a whole limit (<see cref="RejectionReason.CostExceedsLimit"/>).</exception>
    public ValueTask RunWithCostAsync<TState>(long cost, TState state, Func<TState, ValueTask> call, CancellationToken cancellationToken)
        => Charge(cost, out int charged) is { } rejected ? new ValueTask(Task.FromException(rejected)) : Run(charged, state, call, cancellationToken);

    private ValueTask Run<TState>(int cost, TState state, Func<TState, ValueTask> call, CancellationToken cancellationToken)
    {
        if (!Client.TryEnter(Stage, cost, out long started))
        {
            return new ValueTask(RunAttemptsAsync<(TState State, Func<TState, ValueTask> Call), VoidResult>(null, 0, 0, cost, (state, call), static s => Start(s.Call, s.State).AsTask(), null, cancellationToken));
        }

        long mark = Client.Starts;
        ValueTask attempt = Start(call, state);
        if (attempt.IsCompletedSuccessfully)
        {
            attempt.GetAwaiter().GetResult();
            Client.Exit(Stage, started, cost);
            return default;
        }

        return new ValueTask(RunAttemptsAsync<(TState State, Func<TState, ValueTask> Call), VoidResult>(attempt.AsTask(), started, mark, cost, (state, call), static s => Start(s.Call, s.State).AsTask(), null, cancellationToken));
    }

    /// <summary>A method's declared cost, checked: generated code reads it through here, so that a bad one names its parameter.</summary>
    /// <param name="cost">The value of the method's <see cref="CostAttribute"/> parameter (or of its property).</param>
    /// <param name="parameterName">The parameter's name.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cost"/> is negative.</exception>
    public static long Cost(long cost, string parameterName)
        => cost >= 0 ? cost : throw new ArgumentOutOfRangeException(parameterName, cost, "A call's cost must be zero or more.");

    // Checks a declared cost before anything waits: negative is the caller's bug; beyond a whole limit it could never
    // start. Otherwise what the call is charged; a cost beyond int fits no limit, whose permits are ints.
    private ThrottlingRejectedException? Charge(long cost, out int charged)
    {
        charged = 0;
        if (cost < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(cost), cost, "A call's cost must be zero or more.");
        }

        foreach (RateLimitPolicy limit in _weighted)
        {
            if (cost > limit.Permits)
            {
                return Client.CostExceeds(limit, cost);
            }
        }

        charged = (int)Math.Min(cost, int.MaxValue);
        return null;
    }

    private async Task<TResult> RetryAsync<TState, TResult>(ServerAnswer<TResult> throttled, long retryAt, int cost, TState state, Func<TState, Task> call, ThrottleDetector<TResult>? detector, CancellationToken cancellationToken)
    {
        for (int retry = 1; ; retry++)
        {
            await Client.DelayUntilAsync(retryAt, cancellationToken).ConfigureAwait(false);

            // The server's last 429 is kept until the retry is admitted: if the retry is rejected instead (queue full,
            // MaxWait, server cool-down), the caller gets the answer the server gave, not a rejection of a call that
            // did reach it.
            long ticket;
            try
            {
                ticket = Client.Invoked(Stage, await Client.EnterAsync(Stage, cost, cancellationToken).ConfigureAwait(false), cost);
            }
            catch (ThrottlingRejectedException)
            {
                return throttled.Replay();
            }

            throttled.Release();
            long mark = Client.Starts;
            long sentAt = Client.SentAt;
            Task attempt = Start(call, state);
            await Settled(attempt);
            try
            {
                if (!IsRetried(attempt, ticket, mark, cost, sentAt, retry, detector, cancellationToken, out retryAt, out throttled))
                {
                    return ResultOf<TResult>(attempt);
                }
            }
            finally
            {
                Client.Exit(Stage, ticket, cost);
            }
        }
    }

    // Whether a completed attempt was throttled and is retried at `retryAt`; otherwise the caller gets it as it is. What
    // the server said about its limits and load is read first, throttled or not. Deciding runs here, not in an exception
    // filter, so that a failure of its own is not swallowed.
    private bool IsRetried<TResult>(Task attempt, long ticket, long mark, int cost, long sentAt, int retry, ThrottleDetector<TResult>? detector, CancellationToken cancellationToken, out long retryAt, out ServerAnswer<TResult> throttled)
    {
        retryAt = default;
        throttled = default;
        if (attempt.Status == TaskStatus.RanToCompletion)
        {
            // The void shapes' attempts are plain tasks; every other shape's are Task<TResult>.
            if (attempt is not Task<TResult> typed)
            {
                Client.CallEnded(sentAt, CallOutcome.Succeeded);
                return false;
            }

            TResult result = typed.Result;
            Client.Observe(mark, Stage, ticket, cost, result);
            RetryAfter retryAfter = default;
            bool isThrottled = detector is not null && detector(result, out retryAfter);
            Client.CallEnded(sentAt, isThrottled || LoadSignals.IsOverloaded(result) ? CallOutcome.Overloaded : CallOutcome.Succeeded);
            if (!isThrottled || !Client.ShouldRetry(_backoff, retry, retryAfter, out retryAt))
            {
                return false;
            }

            throttled = ServerAnswer<TResult>.Returned(result);
            return true;
        }

        Exception failure = Failure(attempt);
        Client.Observe(mark, Stage, ticket, cost, failure);
        bool isThrottle = Client.IsServerThrottle(failure, out RetryAfter thrown);
        Client.CallEnded(sentAt, isThrottle || LoadSignals.IsOverloaded(failure, cancellationToken) ? CallOutcome.Overloaded : CallOutcome.Unknown);
        if (!isThrottle || !Client.ShouldRetry(_backoff, retry, thrown, out retryAt))
        {
            return false;
        }

        throttled = ServerAnswer<TResult>.Thrown(failure);
        return true;
    }

    // The exception that awaiting a failed or cancelled attempt throws; read without a throw when it failed.
    private static Exception Failure(Task attempt)
    {
        if (attempt.Exception is { } faulted)
        {
            return faulted.InnerExceptions[0];
        }

        try
        {
            attempt.GetAwaiter().GetResult();
        }
        catch (Exception exception)
        {
            return exception;
        }

        throw new InvalidOperationException("The attempt did not fail.");
    }

    // Waits for the attempt to end without throwing: its outcome is judged once it has.
#if NET8_0_OR_GREATER
    private static ConfiguredTaskAwaitable Settled(Task attempt) => attempt.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
#else
    private static ConfiguredTaskAwaitable Settled(Task attempt) => SettleAsync(attempt).ConfigureAwait(false);

    private static async Task SettleAsync(Task attempt)
    {
        try
        {
            await attempt.ConfigureAwait(false);
        }
        catch
        {
            // Judged by the caller once the attempt has ended.
        }
    }
#endif

    // A detector that throws fails the call, as a throwing call would; the caller frees the slot either way.
    private static bool IsThrottled<TResult>(ThrottleDetector<TResult>? detector, TResult result, out Exception? failure)
    {
        failure = null;
        try
        {
            return detector is not null && detector(result, out _);
        }
        catch (Exception exception)
        {
            failure = exception;
            return false;
        }
    }

    // A call that throws instead of returning a faulted task is treated as if it had: the slot is freed the same way.
    private static Task<TResult> Start<TState, TResult>(Func<TState, Task<TResult>> call, TState state)
    {
        try
        {
            return call(state) ?? throw NullTask();
        }
        catch (Exception exception)
        {
            return Task.FromException<TResult>(exception);
        }
    }

    private static Task Start<TState>(Func<TState, Task> call, TState state)
    {
        try
        {
            return call(state) ?? throw NullTask();
        }
        catch (Exception exception)
        {
            return Task.FromException(exception);
        }
    }

    private static ValueTask<TResult> Start<TState, TResult>(Func<TState, ValueTask<TResult>> call, TState state)
    {
        try
        {
            return call(state);
        }
        catch (Exception exception)
        {
            return new ValueTask<TResult>(Task.FromException<TResult>(exception));
        }
    }

    private static ValueTask Start<TState>(Func<TState, ValueTask> call, TState state)
    {
        try
        {
            return call(state);
        }
        catch (Exception exception)
        {
            return new ValueTask(Task.FromException(exception));
        }
    }

    // What an ended attempt gives its caller: its exception, as awaiting it would throw, or its result; none for the
    // void shapes, whose attempts are plain tasks (or tasks of a result nobody asked for).
    private static TResult ResultOf<TResult>(Task attempt)
    {
        attempt.GetAwaiter().GetResult();
        return attempt is Task<TResult> typed ? typed.Result : default!;
    }

    private static InvalidOperationException NullTask() => new("The inner client returned a null task.");

    private readonly struct VoidResult
    {
    }
}
