namespace Throttling;

/// <summary>
/// Tells whether a call's outcome (a response, or an exception) means the server throttled it, and when it said to
/// try again. The generator picks detectors at compile time from each method's return type.
/// </summary>
/// <typeparam name="T">The outcome's type.</typeparam>
/// <param name="outcome">What the call returned or threw.</param>
/// <param name="retryAfter">When the server said to retry, if it did.</param>
/// <returns>True when the server throttled the call.</returns>
public delegate bool ThrottleDetector<in T>(T outcome, out RetryAfter retryAfter);
