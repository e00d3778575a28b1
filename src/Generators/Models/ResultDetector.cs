namespace Throttling.Generators.Models;

/// <summary>How a gated call's result is checked for a server throttle.</summary>
internal enum ResultDetector
{
    None,
    HttpResponse,
    RefitResponse,
}
