using System.Threading;

namespace Throttling;

/// <summary>
/// A few admissions kept for reuse, so that a call that has to wait allocates nothing for its place in the queue once
/// the client is warm. Lock-free: admissions are returned by the awaiting caller, outside the client's lock.
/// </summary>
internal sealed class AdmissionPool
{
    // Enough for the waiters that come and go in a busy client; a burst beyond it allocates, and the extras are collected.
    private readonly Admission?[] _items = new Admission?[32];

    public Admission? Rent()
    {
        for (int i = 0; i < _items.Length; i++)
        {
            Admission? item = _items[i];
            if (item is not null && Interlocked.CompareExchange(ref _items[i], null, item) == item)
            {
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
