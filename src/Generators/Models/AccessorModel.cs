namespace Throttling.Generators.Models;

/// <summary>Which accessors a property, indexer or method has, and whether it returns by reference.</summary>
internal sealed record AccessorModel(bool HasGetter, bool HasSetter, bool IsInitOnly, string RefKind)
{
    public static AccessorModel None { get; } = new(false, false, false, string.Empty);
}
