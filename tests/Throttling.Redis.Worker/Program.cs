// One worker of the multi-process tests: sends its requests to the test server through the generated ItemsApi client,
// whose budget lives in Redis, and prints what happened. Usage:
//   Throttling.Redis.Worker <redis> <server url> <prefix> <requests> <slots> <permits per second> <slot lease seconds> <warm-up server url>
// It waits for a line on stdin before sending, so the test starts every worker at once, and prints one line per event:
// "ready", "redis unavailable", "redis recovered", then "done <completed> <failed>".
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Refit;
using Throttling;
using Throttling.Redis;
using Throttling.Redis.Worker;
using Throttling.Workload;

string redis = args[0];
var server = new Uri(args[1]);
string prefix = args[2];
int requests = int.Parse(args[3], CultureInfo.InvariantCulture);
string slots = args[4];
string permits = args[5];
double lease = double.Parse(args[6], CultureInfo.InvariantCulture);
var warmUpServer = new Uri(args[7]);

IConfiguration configuration = new ConfigurationBuilder()
    .AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Throttling:ItemsApi:Slots"] = slots,
        ["Throttling:ItemsApi:RateLimits:0:Permits"] = permits,
        ["Throttling:ItemsApi:RateLimits:0:Window"] = "1s",
    })
    .Build();

// A few calls to a warm-up server, on a budget of their own, so that what the test measures is not the JIT.
await using (ServiceProvider warmUp = Build(warmUpServer, prefix + "-warmup"))
{
    IItemsApi warm = warmUp.GetRequiredService<IItemsApi>();
    await Task.WhenAll(Enumerable.Range(0, 8).Select(i => warm.GetItemAsync(i.ToString(CultureInfo.InvariantCulture))));
}

await using ServiceProvider provider = Build(server, prefix);
IItemsApi api = provider.GetRequiredService<IItemsApi>();
Console.WriteLine("ready");
Console.ReadLine();

int completed = 0, failed = 0;
await Task.WhenAll(Enumerable.Range(0, requests).Select(async i =>
{
    try
    {
        await api.GetItemAsync(i.ToString(CultureInfo.InvariantCulture));
        Interlocked.Increment(ref completed);
    }
    catch (Exception e)
    {
        Interlocked.Increment(ref failed);
        Console.Error.WriteLine(e.GetType().Name + ": " + e.Message);
    }
}));

Console.WriteLine($"done {completed} {failed}");

ServiceProvider Build(Uri baseAddress, string keyPrefix)
{
    var services = new ServiceCollection();
    services.AddLogging(b => b.AddProvider(new EventLineLogger()));
    services.AddRefitGeneratedClient<IItemsApi>().ConfigureHttpClient(c => c.BaseAddress = baseAddress);
    services.AddThrottled<IItemsApi>();
    services.AddThrottling(configuration);
    services.AddThrottlingRedis(redis, o =>
    {
        o.KeyPrefix = keyPrefix;
        o.SlotLease = TimeSpan.FromSeconds(lease);
    });
    return services.BuildServiceProvider();
}
