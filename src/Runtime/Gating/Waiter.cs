using System;
using System.Threading;
using System.Threading.Tasks;

namespace Throttling;

/// <summary>
/// A caller waiting in a <see cref="WaiterQueue{TNode}"/> for its own task, and able to leave it in O(1) when it is
/// cancelled. Only waiting callers allocate one.
/// </summary>
internal class Waiter<TResult> : QueueNode<Waiter<TResult>>
{
    // Continuations run on the thread pool: waiters are completed under locks.
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<TResult> Task => _completion.Task;

    public bool TrySetResult(TResult result) => _completion.TrySetResult(result);

    public bool TrySetException(Exception exception) => _completion.TrySetException(exception);

    public bool TrySetCanceled(CancellationToken cancellationToken) => _completion.TrySetCanceled(cancellationToken);
}
