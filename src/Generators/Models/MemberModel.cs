using Throttling.Roslyn;

namespace Throttling.Generators.Models;

/// <summary>The kinds of interface members a client implements.</summary>
internal enum MemberKind
{
    Method,
    Property,
    Indexer,
    Event,
}

/// <summary>How a gated call's result is checked for a server throttle.</summary>
internal enum ResultDetector
{
    None,
    HttpResponse,
    RefitResponse,
}

/// <summary>One interface member as the client implements it.</summary>
internal sealed record MemberModel(
    MemberKind Kind,
    MemberHandling Handling,
    GatedShape Shape,
    string Name,
    string Type,
    string? ExplicitInterface,
    EquatableArray<ParameterModel> Parameters,
    EquatableArray<string> TypeParameters,
    EquatableArray<string> Constraints,
    string? CancellationToken,
    string? GateField,
    string? PolicyKey,
    ResultDetector Detector,
    string? ResultType,
    AccessorModel Accessors,
    bool HasPositionalState,
    string? PassThroughReason);

/// <summary>A parameter, rendered: name (escaped), type, modifier and default value.</summary>
internal sealed record ParameterModel(string Name, string Type, string Modifier, bool IsParams, string? DefaultValue);

/// <summary>Which accessors a property, indexer or method has, and whether it returns by reference.</summary>
internal sealed record AccessorModel(bool HasGetter, bool HasSetter, bool IsInitOnly, string RefKind)
{
    public static AccessorModel None { get; } = new(false, false, false, string.Empty);
}
