using Throttling.Roslyn;

namespace Throttling.Generators.Models;

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
