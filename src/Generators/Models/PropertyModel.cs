using Throttling.Roslyn;

namespace Throttling.Generators.Models;

/// <summary>A property or an indexer, forwarded to the inner client.</summary>
internal sealed record PropertyModel(
    MemberHandling Handling,
    string Name,
    string Type,
    string? ExplicitInterface,
    string? PassThroughReason,
    bool IsIndexer,
    EquatableArray<ParameterModel> Parameters,
    bool HasGetter,
    bool HasSetter,
    bool IsInitOnly,
    string RefKind)
    : MemberModel(Handling, Name, Type, ExplicitInterface, PassThroughReason);
