using Throttling.Roslyn;

namespace Throttling.Generators.Models;

/// <summary>A method: gated through a <c>CallGate</c> entry point for its shape, or forwarded as it is.</summary>
internal sealed record MethodModel(
    MemberHandling Handling,
    string Name,
    string Type,
    string? ExplicitInterface,
    string? PassThroughReason,
    GatedShape Shape,
    EquatableArray<ParameterModel> Parameters,
    EquatableArray<string> TypeParameters,
    EquatableArray<string> Constraints,
    string RefKind,
    string? CancellationToken,
    string? GateField,
    string? PolicyKey,
    ResultDetector Detector,
    string? ResultType,
    bool HasPositionalState,
    CostSource? Cost)
    : MemberModel(Handling, Name, Type, ExplicitInterface, PassThroughReason);
