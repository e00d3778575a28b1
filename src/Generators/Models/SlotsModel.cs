namespace Throttling.Generators.Models;

/// <summary>A <c>[Slots]</c> attribute's values.</summary>
internal sealed record SlotsModel(int Count, int QueueLimit, long? MaxWaitTicks);
