using System.Threading.Tasks;

namespace Throttling;

/// <summary>
/// A caller waiting in a <see cref="WaiterQueue{TResult}"/>: its own task, plus the links that let it leave the queue
/// in O(1) when it is cancelled. Only waiting callers allocate one.
/// </summary>
internal class Waiter<TResult> : TaskCompletionSource<TResult>
{
    // Continuations run on the thread pool: waiters are completed under locks.
    public Waiter()
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
    }

    internal Waiter<TResult>? Next { get; set; }

    internal Waiter<TResult>? Previous { get; set; }

    internal WaiterQueue<TResult>? Queue { get; set; }
}
