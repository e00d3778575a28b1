namespace Throttling.PackageTests;

[Collection(nameof(PackedRepositoryGroup))]
public class ConsumerTests(PackedRepository packages)
{
    private const string Program = """
        using Throttling;

        Console.WriteLine(await new ThrottledGreeter(new Greeter()).GreetAsync("package"));

        [Slots(4)]
        [RateLimit(10, "1s")]
        public interface IGreeter
        {
            Task<string> GreetAsync(string name, CancellationToken cancellationToken = default);
        }

        public sealed class Greeter : IGreeter
        {
            public Task<string> GreetAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult("hello " + name);
        }

        public static class Blocking
        {
            public static int Wait(Task<int> pending) => pending.Result;
        }
        """;

    [Fact]
    public void A_fresh_project_restores_builds_gets_its_client_generated_and_sees_the_rules()
    {
        string consumer = packages.CreateConsumer("Consumer", Program);

        (int build, string output) = DotNet.Run(consumer, "build", "-nologo");

        Assert.True(build == 0, output);
        Assert.Contains("warning THR002", output, StringComparison.Ordinal);
        (int run, string printed) = DotNet.Run(consumer, "run", "--no-build");
        Assert.True(run == 0, printed);
        Assert.Contains("hello package", printed, StringComparison.Ordinal);
    }

    [Fact]
    public void Strict_mode_turns_the_rules_into_build_errors()
    {
        string consumer = packages.CreateConsumer("StrictConsumer", Program);

        (int build, string output) = DotNet.Run(consumer, "build", "-nologo", "-p:ThrottlingStrict=true");

        Assert.NotEqual(0, build);
        Assert.Contains("error THR002", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Toggling_strict_mode_after_a_build_rebuilds_with_the_new_severities()
    {
        string consumer = packages.CreateConsumer("ToggledConsumer", Program);
        (int first, string normal) = DotNet.Run(consumer, "build", "-nologo");
        Assert.True(first == 0, normal);

        (int strict, string strictOutput) = DotNet.Run(consumer, "build", "-nologo", "-p:ThrottlingStrict=true");
        Assert.NotEqual(0, strict);
        Assert.Contains("error THR002", strictOutput, StringComparison.Ordinal);

        (int relaxed, string relaxedOutput) = DotNet.Run(consumer, "build", "-nologo");
        Assert.True(relaxed == 0, relaxedOutput);
        Assert.Contains("warning THR002", relaxedOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_attribute_value_fails_the_build_on_the_literal()
    {
        string consumer = packages.CreateConsumer("BadValueConsumer", Program.Replace("[RateLimit(10, \"1s\")]", "[RateLimit(10, \"10 seconds\")]", StringComparison.Ordinal));

        (int build, string output) = DotNet.Run(consumer, "build", "-nologo");

        Assert.NotEqual(0, build);
        Assert.Contains("error THR100", output, StringComparison.Ordinal);
    }
}
