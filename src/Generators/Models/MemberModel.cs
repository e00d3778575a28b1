using Throttling.Roslyn;

namespace Throttling.Generators.Models;

/// <summary>One interface member as the client implements it; each kind of member is a record of its own.</summary>
/// <param name="Handling">Gated, passed through, or left to the inner client by <c>[Unthrottled]</c>.</param>
/// <param name="Name">The member's name as C# writes it (<c>this</c> for an indexer).</param>
/// <param name="Type">The return, property or event type.</param>
/// <param name="ExplicitInterface">The interface it is implemented explicitly for; null when implemented publicly.</param>
/// <param name="PassThroughReason">Why a member that cannot be gated is passed through; null otherwise.</param>
internal abstract record MemberModel(MemberHandling Handling, string Name, string Type, string? ExplicitInterface, string? PassThroughReason);
