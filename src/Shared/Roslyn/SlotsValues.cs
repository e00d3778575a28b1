using System;

namespace Throttling.Roslyn;

/// <summary>The values of a <c>[Slots]</c> attribute.</summary>
internal sealed record SlotsValues(int Count, int QueueLimit, TimeSpan? MaxWait, bool Adaptive, int MinSlots);
