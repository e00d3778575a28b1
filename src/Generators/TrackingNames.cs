namespace Throttling.Generators;

/// <summary>The names of the generator's pipeline steps, which the caching tests look up.</summary>
internal static class TrackingNames
{
    public const string ClientsWithSlots = nameof(ClientsWithSlots);
    public const string ClientsWithRateLimitOnly = nameof(ClientsWithRateLimitOnly);
}
