namespace Throttling;

/// <summary>
/// Where the calls of one method wait, with that method's own rate limits (none for the client's default stage). A
/// waiting call holds nothing; when it starts it takes a permit of each of these limits, with its slot and the client's
/// permits.
/// </summary>
internal sealed class MethodStage
{
    public MethodStage(PermitLedger[] ledgers) => Ledgers = ledgers;

    public PermitLedger[] Ledgers { get; }

    public WaiterQueue<Admission> Queue { get; } = new();
}
