namespace Throttling;

/// <summary>
/// The first stage a call of one method passes: the method's own rate limits, if it has any. A call reserves its
/// permits here, then waits for a slot, and the permits are recorded when the call ends.
/// </summary>
internal sealed class MethodStage
{
    public MethodStage(PermitLedger[] ledgers) => Ledgers = ledgers;

    public PermitLedger[] Ledgers { get; }

    public WaiterQueue<long> Queue { get; } = new();
}
