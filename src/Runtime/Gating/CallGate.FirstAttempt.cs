using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Throttling;

public sealed partial class CallGate
{
    // Where every shape ends up once a call has to wait, or has not completed at once: its first attempt. `ticket` and
    // `mark` (see ClientThrottle.Starts) belong to `attempt` when one is passed in. Attempts are plain tasks, so that
    // Task<TResult> and Task run here without a wrapper of their own: a call of a void shape has TResult VoidResult.
    private Task<TResult> RunAttemptsAsync<TState, TResult>(Task? attempt, long ticket, long mark, int cost, TState state, Func<TState, Task> call, ThrottleDetector<TResult>? detector, CancellationToken cancellationToken)
        => FirstAttempt<TState, TResult>.Run(this, attempt, ticket, mark, cost, state, call, detector, cancellationToken);

    /// <summary>
    /// The state machine of a call's first attempt, written out as the compiler would write an async method that waits for
    /// the call's turn, runs it, and hands a throttled one to <see cref="RetryAsync"/>.
    /// </summary>
    /// <remarks>
    /// Every call that waits allocates this machine as its task, so it is written by hand to be small: the compiler would
    /// keep both awaiters and every local in a field of its own, where this keeps the wait for the turn in the two fields
    /// that hold the attempt and its ticket once the turn has come (40 bytes less per call, 30 % of the machine).
    /// </remarks>
    private struct FirstAttempt<TState, TResult> : IAsyncStateMachine
    {
        private const int Entering = 0;
        private const int WaitingForTurn = 1;
        private const int Running = 2;
        private const int Retrying = 3;

        private AsyncTaskMethodBuilder<TResult> _builder;
        private CallGate _gate;
        private TState _state;
        private Func<TState, Task> _call;
        private ThrottleDetector<TResult>? _detector;
        private CancellationToken _cancellationToken;
        private int _cost;
        private int _step;

        // While waiting for the turn, its Turn.Source; then the attempt, and at last the retry. The step says which, so it
        // is read without a cast's type check.
        private object? _pending;

        // While waiting for the turn, its Turn.Value; then the attempt's ticket.
        private long _ticket;

        private long _mark;
        private long _sentAt;

        public static Task<TResult> Run(CallGate gate, Task? attempt, long ticket, long mark, int cost, TState state, Func<TState, Task> call, ThrottleDetector<TResult>? detector, CancellationToken cancellationToken)
        {
            var machine = new FirstAttempt<TState, TResult>
            {
                _builder = AsyncTaskMethodBuilder<TResult>.Create(),
                _gate = gate,
                _state = state,
                _call = call,
                _detector = detector,
                _cancellationToken = cancellationToken,
                _cost = cost,
                _step = attempt is null ? Entering : Running,
                _pending = attempt,
                _ticket = ticket,
                _mark = mark,

                // An attempt handed in was sent a moment ago; one that answers at once says nothing about the server's load.
                _sentAt = gate.Client.SentAt,
            };
            machine._builder.Start(ref machine);
            return machine._builder.Task;
        }

        [SuppressMessage("Reliability", "CA2012", Justification = "The turn is awaited once, as a ValueTask put together from its parts; its result is read from them.")]
        public void MoveNext()
        {
            TResult result;
            try
            {
                while (true)
                {
                    switch (_step)
                    {
                        case Entering:
                            Turn turn = _gate.Client.Enter(_gate.Stage, _cost, _cancellationToken);
                            _pending = turn.Source;
                            _ticket = turn.Value;
                            _step = WaitingForTurn;
                            break;
                        case WaitingForTurn:
                            // The wait is read from its parts in the fields, before and after it suspends.
                            if (!Turn.IsCompleted(_pending, _ticket))
                            {
                                ConfiguredValueTaskAwaitable<long>.ConfiguredValueTaskAwaiter turnCome = Turn.AsValueTask(_pending, _ticket).ConfigureAwait(false).GetAwaiter();
                                _builder.AwaitUnsafeOnCompleted(ref turnCome, ref this);
                                return;
                            }

                            long entered = Turn.GetResult(_pending, _ticket);
                            _ticket = _gate.Client.Invoked(_gate.Stage, entered, _cost);
                            _mark = _gate.Client.Starts;
                            _sentAt = _gate.Client.SentAt;
                            _pending = Start(_call, _state);
                            _step = Running;
                            break;
                        case Running:
                            Task attempt = Unsafe.As<Task>(_pending!);
                            if (Suspended(attempt))
                            {
                                return;
                            }

                            bool isRetried;
                            long retryAt;
                            ServerAnswer<TResult> throttled;
                            try
                            {
                                isRetried = _gate.IsRetried(attempt, _ticket, _mark, _cost, _sentAt, 0, _detector, _cancellationToken, out retryAt, out throttled);
                            }
                            finally
                            {
                                _gate.Client.Exit(_gate.Stage, _ticket, _cost);
                            }

                            if (!isRetried)
                            {
                                result = ResultOf<TResult>(attempt);
                                goto Done;
                            }

                            _pending = _gate.RetryAsync(throttled, retryAt, _cost, _state, _call, _detector, _cancellationToken);
                            _step = Retrying;
                            break;
                        default:
                            Task retry = Unsafe.As<Task>(_pending!);
                            if (Suspended(retry))
                            {
                                return;
                            }

                            result = ResultOf<TResult>(retry);
                            goto Done;
                    }
                }
            }
            catch (Exception exception)
            {
                _builder.SetException(exception);
                return;
            }

        Done:
            _builder.SetResult(result);
        }

        public void SetStateMachine(IAsyncStateMachine stateMachine) => _builder.SetStateMachine(stateMachine);

        // Awaits `task` unless it has ended, to come back to the same step, which judges its outcome: the awaiter keeps nothing.
        private bool Suspended(Task task)
        {
            ConfiguredTaskAwaitable.ConfiguredTaskAwaiter ended = Settled(task).GetAwaiter();
            if (ended.IsCompleted)
            {
                return false;
            }

            _builder.AwaitUnsafeOnCompleted(ref ended, ref this);
            return true;
        }
    }
}
