using System.Threading;

namespace Throttling;

/// <summary>
/// A few admissions kept for reuse, so that a call that has to wait allocates nothing for its place in the queue once
/// the client is warm. Admissions are rented under the client's lock and returned by the awaiting caller outside it.
/// </summary>
internal sealed class AdmissionPool
{
    // Enough for the waiters that come and go in a busy client; a burst beyond it allocates, and the extras are collected.
    private readonly Admission?[] _items = new Admission?[32];

    /// <summary>Under the client's lock, so that only returns race it: a return fills an empty slot only, never takes one.</summary>
    public Admission? Rent()
    {
        for (int i = 0; i < _items.Length; i++)
        {
            if (Volatile.Read(ref _items[i]) is { } item)
            {
                Volatile.Write(ref _items[i], null);
                return item;
            }
        }

        return null;
    }

    public void Return(Admission admission)
    {
        for (int i = 0; i < _items.Length; i++)
        {
            if (_items[i] is null && Interlocked.CompareExchange(ref _items[i], admission, null) is null)
            {
                return;
            }
        }
    }
}
