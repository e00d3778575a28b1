namespace Throttling;

/// <summary>
/// Where the calls of one method wait, with that method's own rate limits (none for the client's default stage). A
/// waiting call holds nothing; when it starts it takes a permit of each of these limits, with its slot and the client's
/// permits.
/// </summary>
internal sealed class MethodStage
{
    public MethodStage(PermitLedger[] ledgers, int index)
    {
        Ledgers = ledgers;
        Index = index;
    }

    /// <summary>The method's own limits, as the local store counts them.</summary>
    public PermitLedger[] Ledgers { get; }

    /// <summary>The stage's place among its store's stages, in the order they were added: the default stage is 0.</summary>
    public int Index { get; }

    public WaiterQueue<Admission> Queue { get; } = new();
}
