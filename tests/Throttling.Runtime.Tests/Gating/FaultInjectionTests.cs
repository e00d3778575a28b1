using System.Globalization;
using System.Net;
using System.Net.Http;
using Microsoft.Extensions.Time.Testing;
using Throttling.Tests.RateLimiting;
using static Throttling.Tests.Times;

namespace Throttling.Tests.Gating;

[Collection(Simulations.Name)]
public class FaultInjectionTests
{
    private const int Slots = 8;
    private const int ClientPermits = 200;
    private const int SearchPermits = 40;
    private static readonly TimeSpan Step = Ms(5);

    /// <summary>
    /// 100,000 calls against a server that answers with latency, throws, cancels and 429s in every Retry-After form,
    /// while callers cancel; every promise is checked from the server's own record of when each attempt started.
    /// </summary>
    [Fact]
    public async Task A_hundred_thousand_calls_with_random_faults_keep_every_promise_as_the_server_sees_it()
    {
        FakeTimeProvider clock = NewClock();
        var policy = new ThrottlingPolicy("Chaos")
        {
            Slots = new SlotPolicy(Slots) { QueueLimit = 3_000 },
            RateLimits = new[] { new RateLimitPolicy(ClientPermits, S(1)) },
            Backoff = new BackoffPolicy { MaxRetries = 2, BaseDelay = Ms(10), MaxDelay = Ms(40), MaxRetryAfter = S(2) },
            Methods = new[] { new MethodPolicy("Search") { RateLimits = new[] { new RateLimitPolicy(SearchPermits, S(1)) { Kind = RateLimitKind.FixedWindow } } } },
        };
        using var throttle = new ClientThrottle(policy, clock);
        var server = new ChaosServer(clock);
        var random = new Random(20261201);
        var coolingDown = new List<bool>();
        var searchBusy = new List<(TimeSpan From, TimeSpan To)>();
        int completed = 0;

        for (int batch = 0; batch < 50; batch++)
        {
            var calls = new List<Task<HttpResponseMessage>>();
            var cancellations = new List<CancellationTokenSource>();
            TimeSpan batchStart = clock.GetUtcNow() - Start;
            for (int i = 0; i < 2_000; i++)
            {
                CancellationToken token = CancellationToken.None;
                int roll = random.Next(100);
                if (roll < 2)
                {
                    token = new CancellationToken(true);
                }
                else if (roll < 8)
                {
                    var source = new CancellationTokenSource();
                    cancellations.Add(source);
                    token = source.Token;
                }

                string method = random.Next(3) == 0 ? "Search" : "Get";
                CallGate gate = method == "Search" ? throttle.Gate("Search") : throttle.DefaultGate;
                calls.Add(gate.RunAsync((server, method, seed: random.Next()), static s => s.server.Call(s.method, s.seed), ServerThrottle.HttpResponse, token));
            }

            Task all = Task.WhenAll(calls.Select(c => c.ContinueWith(static _ => { }, TaskScheduler.Default)));
            for (int step = 0; !all.IsCompleted; step++)
            {
                if (step % 3 == 0 && cancellations.Count > 0)
                {
                    int pick = random.Next(cancellations.Count);
                    await cancellations[pick].CancelAsync();
                    cancellations.RemoveAt(pick);
                }

                coolingDown.Add(throttle.CoolDownRemaining > TimeSpan.Zero || server.IsRefusing(clock.GetUtcNow() - Start));
                clock.Advance(Step);
                await Task.Yield();
                await Eventually.TrueAsync(() => all.IsCompleted || server.Settled(throttle), "every granted call was invoked and every answered one left");
                Assert.True(step < 1_000_000, "the calls never finished");
            }

            searchBusy.Add((batchStart, server.LastStartOf("Search")));
            completed += calls.Count;
            cancellations.ForEach(c => c.Dispose());
        }

        Attempt[] attempts = server.Attempts;
        Assert.Equal(100_000, completed);
        Assert.True(attempts.Length > server.DistinctCalls, "throttled attempts were retried");
        Assert.Equal(0, server.InFlight);

        // Slots: never more in flight than the client has.
        Assert.InRange(server.MaxInFlight, Slots, Slots);

        // Rate limits, as the server counts arrivals: the client's sliding window over every attempt, and the method's
        // fixed UTC-second windows over its own.
        Assert.InRange(ExactSlidingWindowLimiterTests.MaxStartsInAnyWindow(attempts.Select(a => a.Start).ToList(), S(1)), ClientPermits * 9 / 10, ClientPermits);
        Assert.InRange(attempts.Where(a => a.Method == "Search").GroupBy(a => (long)a.Start.TotalSeconds).Max(g => g.Count()), SearchPermits * 9 / 10, SearchPermits);

        // Nobody is sent into a server that said "not before then".
        foreach ((TimeSpan from, TimeSpan until) in server.CoolDowns)
        {
            Attempt? early = attempts.FirstOrDefault(a => a.Start > from && a.Start < until);
            Assert.True(early is null, $"an attempt started at {early?.Start} inside the server's cool-down ({from}, {until})");
        }

        // The method limit binds (a third of the calls want 67/s of its 40/s): in every UTC second of its busy spans that no
        // cool-down touched, it starts what its fixed window allows.
        int[] freeSeconds = searchBusy.SelectMany(span => FreeWholeSeconds(coolingDown, span.From, span.To)).ToArray();
        int searchStarts = attempts.Count(a => a.Method == "Search" && freeSeconds.Contains((int)a.Start.TotalSeconds));
        // How many seconds no cool-down touched varies from run to run (70 to 330 seen): the 429s' timing depends on
        // how thread-pool continuations interleave with the clock's steps. 50 seconds are 2,000 starts to judge.
        Assert.True(freeSeconds.Length > 50, $"only {freeSeconds.Length} seconds free of cool-downs: the run tests too little");
        Assert.True(searchStarts >= 0.9 * SearchPermits * freeSeconds.Length, $"Search started {searchStarts / (double)freeSeconds.Length:F1}/s against its {SearchPermits}/s while it was the binding limit");

        // Every slot and permit came back: once the windows have passed, exactly the configured budget is there.
        Assert.Equal(0, throttle.InFlight);
        Assert.Equal(0, throttle.Waiting);
        clock.Advance(S(10));
        Assert.Equal(Slots, CountAdmissions(throttle, throttle.DefaultGate, max: Slots + 1, exitEach: false));
        Assert.Equal(SearchPermits, CountAdmissions(throttle, throttle.Gate("Search"), max: ClientPermits, exitEach: true));
        Assert.Equal(ClientPermits - Slots - SearchPermits, CountAdmissions(throttle, throttle.DefaultGate, max: ClientPermits, exitEach: true));
    }

    // The whole seconds in [from, to) during which no step saw a cool-down.
    private static IEnumerable<int> FreeWholeSeconds(List<bool> coolingDown, TimeSpan from, TimeSpan to)
    {
        int stepsPerSecond = (int)(TimeSpan.TicksPerSecond / Step.Ticks);
        for (int second = (int)Math.Ceiling(from.TotalSeconds); second + 1 <= to.TotalSeconds; second++)
        {
            int first = second * stepsPerSecond;
            if (first + stepsPerSecond <= coolingDown.Count && !coolingDown.Skip(first).Take(stepsPerSecond).Any(c => c))
            {
                yield return second;
            }
        }
    }

    // Admits calls until the throttle refuses; the admitted ones stay in flight until the end unless exitEach.
    private static int CountAdmissions(ClientThrottle throttle, CallGate gate, int max, bool exitEach)
    {
        var held = new List<long>();
        int admitted = 0;
        while (admitted < max && throttle.TryEnter(gate.Stage, 1, out long ticket))
        {
            admitted++;
            if (exitEach)
            {
                throttle.Exit(gate.Stage, ticket, 1);
            }
            else
            {
                held.Add(ticket);
            }
        }

        held.ForEach(ticket => throttle.Exit(gate.Stage, ticket, 1));
        return admitted;
    }

    private sealed record Attempt(string Method, TimeSpan Start);

    /// <summary>
    /// Answers each attempt after 1-20 ms at random: success, a throw before or after its first await, a failure, an inner
    /// cancellation, or a 429 with Retry-After as seconds, an HTTP date, a merged list, absent, or longer than MaxRetryAfter.
    /// </summary>
    private sealed class ChaosServer(FakeTimeProvider clock)
    {
        private readonly object _sync = new();
        private readonly List<Attempt> _attempts = new();
        private readonly List<(TimeSpan From, TimeSpan Until)> _coolDowns = new();
        private readonly List<DateTimeOffset> _ends = new();
        private readonly Dictionary<int, int> _attemptsBySeed = new();
        private int _inFlight;

        public int InFlight => Volatile.Read(ref _inFlight);

        public int MaxInFlight { get; private set; }

        public Attempt[] Attempts
        {
            get
            {
                lock (_sync)
                {
                    return _attempts.ToArray();
                }
            }
        }

        public (TimeSpan From, TimeSpan Until)[] CoolDowns
        {
            get
            {
                lock (_sync)
                {
                    return _coolDowns.ToArray();
                }
            }
        }

        public int DistinctCalls
        {
            get
            {
                lock (_sync)
                {
                    return _attemptsBySeed.Count;
                }
            }
        }

        public TimeSpan LastStartOf(string method)
        {
            lock (_sync)
            {
                return _attempts.Where(a => a.Method == method).Select(a => a.Start).DefaultIfEmpty().Max();
            }
        }

        public bool IsRefusing(TimeSpan at)
        {
            lock (_sync)
            {
                return _coolDowns.Any(c => c.From <= at && at < c.Until);
            }
        }

        // Every granted call was invoked, and every attempt whose time is up has answered and left the throttle.
        public bool Settled(ClientThrottle throttle)
        {
            lock (_sync)
            {
                DateTimeOffset now = clock.GetUtcNow();
                return _ends.TrueForAll(end => end > now) && throttle.InFlight == _ends.Count;
            }
        }

        public Task<HttpResponseMessage> Call(string method, int seed)
        {
            DateTimeOffset now = clock.GetUtcNow();
            int attempt;
            lock (_sync)
            {
                _attempts.Add(new Attempt(method, now - Start));
                // Numbered within its own call, so that what an attempt meets depends on its seed alone, not on how
                // thread-pool continuations happened to order the arrivals.
                attempt = _attemptsBySeed[seed] = _attemptsBySeed.GetValueOrDefault(seed) + 1;
                MaxInFlight = Math.Max(MaxInFlight, ++_inFlight);
            }

            var random = new Random(seed ^ attempt);
            int roll = random.Next(100_000);
            if (roll < 2_000)
            {
                Leave(null);
                throw new InvalidOperationException("thrown before any await");
            }

            // The timer exists before the end is published, so no step of the clock can pass it unseen.
            TimeSpan latency = Ms(1 + random.Next(20));
            Task answered = Task.Delay(latency, clock);
            lock (_sync)
            {
                _ends.Add(now + latency);
            }

            return RespondAsync(roll, random, answered, now + latency);
        }

        private async Task<HttpResponseMessage> RespondAsync(int roll, Random random, Task answered, DateTimeOffset end)
        {
            try
            {
                await answered;
                return roll switch
                {
                    < 6_000 => throw new InvalidOperationException("server error"),
                    < 8_000 => throw new OperationCanceledException("inner cancellation"),
                    < 8_300 => TooMany(random),
                    < 8_301 => Absurd(),
                    < 8_800 => throw new TooManyRequestsException(Remember(Ms(10 + random.Next(50)))),
                    _ => new HttpResponseMessage(HttpStatusCode.OK),
                };
            }
            finally
            {
                Leave(end);
            }
        }

        private HttpResponseMessage TooMany(Random random)
        {
            var response = new HttpResponseMessage((HttpStatusCode)429);
            DateTimeOffset now = clock.GetUtcNow();
            switch (random.Next(4))
            {
                case 0:
                    response.Headers.TryAddWithoutValidation("Retry-After", "0");
                    break;
                case 1:
                    // An HTTP date has whole seconds: the next one.
                    var date = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero).AddSeconds(1);
                    Remember(date - now);
                    response.Headers.Date = now;
                    response.Headers.TryAddWithoutValidation("Retry-After", date.ToString("R", CultureInfo.InvariantCulture));
                    break;
                case 2:
                    // Duplicates merged by a proxy; the longer one rules.
                    response.Headers.TryAddWithoutValidation("Retry-After", "0, 1");
                    Remember(S(1));
                    break;
                default:
                    break;
            }

            return response;
        }

        // Longer than MaxRetryAfter (2 s): the client fails every call fast until then.
        private HttpResponseMessage Absurd()
        {
            var response = new HttpResponseMessage((HttpStatusCode)429);
            response.Headers.TryAddWithoutValidation("Retry-After", "5");
            Remember(S(5));
            return response;
        }

        // The server said "not before now + wait": no attempt may start inside that interval.
        private TimeSpan Remember(TimeSpan wait)
        {
            TimeSpan now = clock.GetUtcNow() - Start;
            lock (_sync)
            {
                _coolDowns.Add((now, now + wait));
            }

            return wait;
        }

        private void Leave(DateTimeOffset? end)
        {
            lock (_sync)
            {
                _inFlight--;
                if (end is { } at)
                {
                    _ends.Remove(at);
                }
            }
        }
    }
}
