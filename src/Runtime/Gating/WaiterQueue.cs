namespace Throttling;

/// <summary>A first-in, first-out list of waiters whose members can also leave from the middle. Not thread-safe.</summary>
internal sealed class WaiterQueue<TNode>
    where TNode : QueueNode<TNode>
{
    private TNode? _tail;

    public TNode? Head { get; private set; }

    public bool IsEmpty => Head is null;

    public void Enqueue(TNode waiter)
    {
        waiter.Queue = this;
        waiter.Previous = _tail;
        waiter.Next = null;
        if (_tail is null)
        {
            Head = waiter;
        }
        else
        {
            _tail.Next = waiter;
        }

        _tail = waiter;
    }

    /// <summary>Takes <paramref name="waiter"/> out of this queue; false when it is not in it.</summary>
    public bool Remove(TNode waiter)
    {
        if (waiter.Queue != this)
        {
            return false;
        }

        if (waiter.Previous is null)
        {
            Head = waiter.Next;
        }
        else
        {
            waiter.Previous.Next = waiter.Next;
        }

        if (waiter.Next is null)
        {
            _tail = waiter.Previous;
        }
        else
        {
            waiter.Next.Previous = waiter.Previous;
        }

        waiter.Queue = null;
        waiter.Next = null;
        waiter.Previous = null;
        return true;
    }
}
