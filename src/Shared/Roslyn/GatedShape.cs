namespace Throttling.Roslyn;

/// <summary>The return shapes a throttled client gates.</summary>
internal enum GatedShape
{
    None,
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
    AsyncEnumerable,
}
