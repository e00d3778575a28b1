namespace Throttling;

/// <summary>
/// The first stage a call of one method passes: the method's own rate limits, if it has any. A call reserves its
/// permits here, then waits for a slot, and the permits are committed when the call really starts.
/// </summary>
internal sealed class MethodStage
{
    public MethodStage(PermitLedger[] ledgers) => Ledgers = ledgers;

    public PermitLedger[] Ledgers { get; }

    public WaiterQueue<bool> Queue { get; } = new();
}
