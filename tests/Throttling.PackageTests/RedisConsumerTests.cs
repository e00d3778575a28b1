namespace Throttling.PackageTests;

/// <summary>A project that references only Throttling.Redis: the generator and the rules come with it, and its budget lives in Redis.</summary>
[Collection(nameof(PackedRepositoryGroup))]
public class RedisConsumerTests(PackedRepository packages)
{
    private const string Program = """
        using StackExchange.Redis;
        using Throttling;
        using Throttling.Redis;

        string endpoint = args[0];
        ThrottlingRegistry.Shared.UseRedis(ConnectionMultiplexer.Connect(endpoint), o => o.KeyPrefix = "package-" + Guid.NewGuid().ToString("N"));
        var client = new ThrottledGreeter(new Greeter());
        Console.WriteLine(await client.GreetAsync("redis"));
        Console.WriteLine(ThrottledGreeter.Policy);

        [Slots(2)]
        [RateLimit(10, "1s")]
        public interface IGreeter
        {
            Task<string> GreetAsync(string name, CancellationToken cancellationToken = default);
        }

        public sealed class Greeter : IGreeter
        {
            public Task<string> GreetAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult("hello " + name);
        }
        """;

    [Fact]
    public async Task A_project_with_only_Throttling_Redis_builds_gets_its_client_generated_and_shares_its_budget_in_Redis()
    {
        string consumer = packages.CreateConsumer("RedisConsumer", Program, package: "Throttling.Redis");

        (int build, string output) = DotNet.Run(consumer, "build", "-nologo");
        Assert.True(build == 0, output);

        await using RedisForTest redis = await RedisForTest.StartAsync();
        (int run, string printed) = DotNet.Run(consumer, "run", "--no-build", "--", redis.Endpoint);
        Assert.True(run == 0, printed);
        Assert.Contains("hello redis", printed, StringComparison.Ordinal);
        Assert.Contains("Greeter: 2 slots, 10 per 1s", printed, StringComparison.Ordinal);

        // The call's start is in the shared sliding window (kept for a window and a recording cap after it); its slot
        // was released before the process exited, and the process said goodbye.
        Assert.Equal(1, redis.KeysMatching("{package-*:Greeter}:s:10/*:sum"));
        Assert.Equal(0, redis.KeysMatching("{package-*:Greeter}:slots"));
        Assert.Equal(0, redis.KeysMatching("{package-*}:processes"));
    }
}
