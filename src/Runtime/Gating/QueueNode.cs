namespace Throttling;

/// <summary>
/// A member of a <see cref="WaiterQueue{TNode}"/>: the links that let it leave from the middle in O(1). A base class
/// rather than an interface, so that the shared generic queue code reads the links as fields, not through dispatch.
/// </summary>
internal abstract class QueueNode<TNode>
    where TNode : QueueNode<TNode>
{
    internal TNode? Next;

    internal TNode? Previous;

    internal WaiterQueue<TNode>? Queue;
}
