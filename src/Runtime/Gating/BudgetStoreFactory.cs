using Microsoft.Extensions.Logging;

namespace Throttling;

/// <summary>Creates the store of each budget a registry hands out; a registry without one keeps budgets in this process.</summary>
internal abstract class BudgetStoreFactory
{
    public abstract BudgetStore Create(ThrottlingPolicy policy, string? scope, Clock clock, ThrottlingMetrics? metrics, ILogger logger);
}
