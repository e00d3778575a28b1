#if !NET5_0_OR_GREATER
namespace System.Runtime.CompilerServices;

/// <summary>Lets the netstandard2.0 build declare <c>init</c> accessors; the compiler matches the type by name.</summary>
internal static class IsExternalInit
{
}
#endif
