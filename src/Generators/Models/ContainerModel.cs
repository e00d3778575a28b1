namespace Throttling.Generators.Models;

/// <summary>A partial type the client is nested in, written as its declaration head: <c>partial class Outer&lt;T&gt;</c>.</summary>
internal sealed record ContainerModel(string Declaration);
