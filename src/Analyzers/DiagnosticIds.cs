namespace Throttling.Analyzers;

/// <summary>The ids of every Throttling rule; tests, docs and suppressions name them.</summary>
public static class DiagnosticIds
{
    public const string UnboundedFanOut = "THR001";
    public const string SyncOverAsync = "THR002";
    public const string MissingTooManyRequestsHandling = "THR003";
    public const string UnbalancedSlot = "THR004";
    public const string AsyncLambdaAsVoidDelegate = "THR005";
    public const string RetryIgnoresRetryAfter = "THR006";

    public const string MalformedDuration = "THR100";
    public const string OutOfRangeCount = "THR101";
    public const string MemberPassesThrough = "THR102";
    public const string GatedMethodWithoutCancellation = "THR103";
    public const string AttributeWithoutEffect = "THR104";
    public const string InvalidCost = "THR105";
    public const string MissingCost = "THR106";
}
