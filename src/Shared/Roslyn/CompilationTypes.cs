using Microsoft.CodeAnalysis;

namespace Throttling.Roslyn;

/// <summary>Resolves well-known types by metadata name, as the user's code would see them.</summary>
internal static class CompilationTypes
{
    /// <summary>
    /// The type the compilation's own code means by <paramref name="metadataName"/>. <see cref="Compilation.GetTypeByMetadataName"/>
    /// returns null as soon as two references define the name, even when only one is visible (two libraries that each
    /// polyfill an internal <c>ModuleInitializerAttribute</c>, beside the BCL's public one): here the compilation's own
    /// type wins, then the only one it can see, then, among several it can see, the core library's.
    /// </summary>
    public static INamedTypeSymbol? GetBestTypeByMetadataName(this Compilation compilation, string metadataName)
    {
        INamedTypeSymbol? best = null;
        foreach (INamedTypeSymbol candidate in compilation.GetTypesByMetadataName(metadataName))
        {
            if (SymbolEqualityComparer.Default.Equals(candidate.ContainingAssembly, compilation.Assembly))
            {
                return candidate;
            }

            if (!compilation.IsSymbolAccessibleWithin(candidate, compilation.Assembly))
            {
                continue;
            }

            if (best is null)
            {
                best = candidate;
                continue;
            }

            IAssemblySymbol core = compilation.GetSpecialType(SpecialType.System_Object).ContainingAssembly;
            if (SymbolEqualityComparer.Default.Equals(candidate.ContainingAssembly, core))
            {
                best = candidate;
            }
            else if (!SymbolEqualityComparer.Default.Equals(best.ContainingAssembly, core))
            {
                // Two visible definitions, neither the core library's: the user's own code would not compile either.
                return null;
            }
        }

        return best;
    }
}
