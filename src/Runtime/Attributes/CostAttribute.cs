using System;

namespace Throttling;

/// <summary>
/// Marks the parameter that says what a call costs in the units of the client's weighted limits
/// (<c>[RateLimit(90_000, "1m", Unit = "tokens")]</c>): an integer parameter, or, with a property name, the integer
/// property of the parameter's type that holds it (<c>[Cost("MaxTokens")] ChatRequest request</c>).
/// </summary>
/// <remarks>
/// The call reserves its cost in every weighted limit before it starts; a result implementing
/// <see cref="IReportsCost"/> settles it to what the call really cost. A cost larger than a whole limit fails at once
/// (<see cref="RejectionReason.CostExceedsLimit"/>); a negative one throws <see cref="ArgumentOutOfRangeException"/>.
/// </remarks>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class CostAttribute : Attribute
{
    /// <summary>The parameter itself is the cost: an integer.</summary>
    public CostAttribute()
    {
    }

    /// <summary>The cost is the integer property <paramref name="property"/> of the parameter.</summary>
    /// <param name="property">The property's name, such as <c>nameof(ChatRequest.MaxTokens)</c>.</param>
    public CostAttribute(string property)
    {
        Property = property;
    }

    /// <summary>The property of the parameter that holds the cost; null when the parameter is the cost.</summary>
    public string? Property { get; }
}
