namespace Throttling.Roslyn;

/// <summary>
/// A bad value in a Throttling attribute: which argument holds it (a constructor parameter or a named property, so the
/// analyzer can point at the exact literal), which rule it breaks, and the words of the message.
/// </summary>
internal sealed class AttributeProblem
{
    public AttributeProblem(string ruleId, string argumentName, int constructorIndex, string detail)
    {
        RuleId = ruleId;
        ArgumentName = argumentName;
        ConstructorIndex = constructorIndex;
        Detail = detail;
    }

    /// <summary>THR100 (malformed duration) or THR101 (count out of range).</summary>
    public string RuleId { get; }

    /// <summary>The constructor parameter's or the named property's name.</summary>
    public string ArgumentName { get; }

    /// <summary>The constructor argument's position, or -1 for a named property.</summary>
    public int ConstructorIndex { get; }

    /// <summary>What is wrong, as the diagnostic message says it.</summary>
    public string Detail { get; }
}
