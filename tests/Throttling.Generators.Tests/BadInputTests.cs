namespace Throttling.Generators.Tests;

/// <summary>Whatever a user types, the generator neither throws nor emits a client built on a bad value.</summary>
public class BadInputTests
{
    public static TheoryData<string> BadValues => new()
    {
        """[Throttling.Slots(0)] public interface IClient { System.Threading.Tasks.Task RunAsync(); }""",
        """[Throttling.Slots(-3, QueueLimit = -1)] public interface IClient { System.Threading.Tasks.Task RunAsync(); }""",
        """[Throttling.RateLimit(10, "10 seconds")] public interface IClient { System.Threading.Tasks.Task RunAsync(); }""",
        """[Throttling.RateLimit(10, null)] public interface IClient { System.Threading.Tasks.Task RunAsync(); }""",
        """[Throttling.RateLimit(10, "1s", Kind = (Throttling.RateLimitKind)9)] public interface IClient { System.Threading.Tasks.Task RunAsync(); }""",
        """[Throttling.Slots(2)] public interface IClient { [Throttling.Backoff(MaxRetries = -1, BaseDelay = "soon")] System.Threading.Tasks.Task RunAsync(); }""",
        """[Throttling.Slots(2)] public interface IClient { [Throttling.RateLimit(0, "0s")] System.Threading.Tasks.Task RunAsync(); }""",
        """[Throttling.Slots] public interface IClient { System.Threading.Tasks.Task RunAsync(); }""",
        """[Throttling.Slots("two")] public interface IClient { System.Threading.Tasks.Task RunAsync(); }""",
        """[Throttling.RateLimit(const)] public interface IClient { System.Threading.Tasks.Task RunAsync(; }""",
        """[Throttling.Slots(2)] public class NotAnInterface { }""",
        """[Throttling.Slots(2)] public interface IClient { static abstract IClient Create(); System.Threading.Tasks.Task RunAsync(); }""",
    };

    public static TheoryData<string> BrokenCode => new()
    {
        """[Throttling.Slots(2)] public interface IClient : IMissing { UnknownType RunAsync(Missing m); }""",
        """[Throttling.Slots(2)] public interface IClient { System.Threading.Tasks.Task<> RunAsync(); }""",
        """[Throttling.Slots(2)] public interface IClient { System.Threading.Tasks.Task RunAsync(Missing m); }""",
        """[Throttling.Slots(2)] public interface""",
        """[Throttling.Slots(2)] public interface IClient { System.Threading.Tasks.Task RunAsync( }""",
        """[Throttling.Slots(2)] public interface IClient { event; int this[] { get; } }""",
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void Never_throws_and_emits_nothing_built_on_a_bad_value(string source)
    {
        GeneratorRun run = GeneratorHarness.Run(source);

        Assert.Null(run.Result.Exception);
        Assert.DoesNotContain(run.DriverDiagnostics, d => d.Id is "CS8784" or "CS8785");
        Assert.Empty(run.HintNames);
    }

    [Theory]
    [MemberData(nameof(BrokenCode))]
    public void Never_throws_on_code_that_does_not_compile(string source)
    {
        GeneratorRun run = GeneratorHarness.Run(source);

        Assert.Null(run.Result.Exception);
        Assert.DoesNotContain(run.DriverDiagnostics, d => d.Id is "CS8784" or "CS8785");
    }
}
