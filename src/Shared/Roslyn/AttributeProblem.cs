namespace Throttling.Roslyn;

/// <summary>
/// A bad value in a Throttling attribute: which argument holds it (a constructor parameter or a named property, so the
/// analyzer can point at the exact literal), which rule it breaks, and the words of the message.
/// </summary>
internal sealed class AttributeProblem
{
    public AttributeProblem(bool isMalformedDuration, string argumentName, int constructorIndex, string detail)
    {
        IsMalformedDuration = isMalformedDuration;
        ArgumentName = argumentName;
        ConstructorIndex = constructorIndex;
        Detail = detail;
    }

    /// <summary>A malformed duration (THR100); otherwise a count out of range (THR101).</summary>
    public bool IsMalformedDuration { get; }

    /// <summary>The constructor parameter's or the named property's name.</summary>
    public string ArgumentName { get; }

    /// <summary>The constructor argument's position, or -1 for a named property.</summary>
    public int ConstructorIndex { get; }

    /// <summary>What is wrong, as the diagnostic message says it.</summary>
    public string Detail { get; }
}
