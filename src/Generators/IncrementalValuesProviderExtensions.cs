using Microsoft.CodeAnalysis;

namespace Throttling.Generators;

/// <summary>Pipeline steps Roslyn does not provide.</summary>
internal static class IncrementalValuesProviderExtensions
{
    public static IncrementalValuesProvider<T> SelectNotNull<T>(this IncrementalValuesProvider<T?> source)
        where T : class
        => source.Where(static item => item is not null).Select(static (item, _) => item!);
}
