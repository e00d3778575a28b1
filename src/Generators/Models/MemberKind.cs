namespace Throttling.Generators.Models;

/// <summary>The kinds of interface members a client implements.</summary>
internal enum MemberKind
{
    Method,
    Property,
    Indexer,
    Event,
}
