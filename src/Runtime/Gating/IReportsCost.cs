namespace Throttling;

/// <summary>
/// A result that says what its call really cost, in the units of the client's weighted limits (the tokens an LLM
/// answer used, say): the call's reservation of its declared <see cref="CostAttribute"/> cost is settled to it, the
/// unused part returned to the budget and an overrun charged.
/// </summary>
public interface IReportsCost
{
    /// <summary>What the call cost; zero or more.</summary>
    long ActualCost { get; }
}
