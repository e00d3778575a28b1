using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;

namespace Throttling.Benchmarks;

/// <summary>
/// Runs a benchmark's process with tiered compilation's call counting starting at once, so that it measures the code
/// a service runs once warm, not the unoptimized first tier.
/// </summary>
/// <remarks>
/// With every pool thread kept busy (16 callers on 2 cores or fewer), the runtime put off optimizing the hot methods by
/// 3 to 6 s (40 to 75 rounds of 80,000 calls), longer than BenchmarkDotNet's warmup: on one core the measured figures were
/// the first tier's, 1.3 µs a call for Throttling and 0.5 µs for a bare SemaphoreSlim whose code is mostly precompiled,
/// against 0.32 and 0.25 µs once optimized. The delay changes when the runtime optimizes, not the code it ends up with.
/// A job's environment variables are one setting, so this one replaces any given with `--envVars`.
/// </remarks>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class TierUpAtOnceAttribute() : JobMutatorConfigBaseAttribute(Job.Default.WithEnvironmentVariable("DOTNET_TC_CallCountingDelayMs", "0"));
