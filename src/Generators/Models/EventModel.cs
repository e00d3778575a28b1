using Throttling.Roslyn;

namespace Throttling.Generators.Models;

/// <summary>An event, whose handlers are added to and removed from the inner client's.</summary>
internal sealed record EventModel(MemberHandling Handling, string Name, string Type, string? ExplicitInterface, string? PassThroughReason)
    : MemberModel(Handling, Name, Type, ExplicitInterface, PassThroughReason);
