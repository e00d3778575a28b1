using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using Throttling.Tests.RateLimiting;
using static Throttling.Tests.Times;

namespace Throttling.Tests.Gating;

public class FaultInjectionTests
{
    private const int Slots = 8;
    private const int ClientPermits = 50_000;
    private const int MethodPermits = 20_000;

    [Fact]
    public async Task A_hundred_thousand_calls_with_random_faults_leave_every_slot_and_permit_accounted_for()
    {
        FakeTimeProvider clock = NewClock();
        var policy = new ThrottlingPolicy(
            "Chaos",
            new SlotPolicy(Slots, queueLimit: 1_500),
            new[] { new RateLimitPolicy(ClientPermits, S(1)) },
            new BackoffPolicy(maxRetries: 2, baseDelay: Ms(10), maxDelay: Ms(40), maxRetryAfter: Ms(100)),
            new[] { new MethodPolicy("Search", new[] { new RateLimitPolicy(MethodPermits, S(1), RateLimitKind.FixedWindow) }) });
        using var throttle = new ClientThrottle(policy, clock);
        var server = new ChaosServer(clock);
        var random = new Random(20261126);
        int completed = 0;

        for (int batch = 0; batch < 50; batch++)
        {
            var calls = new List<Task<HttpResponseMessage>>();
            var cancellations = new List<CancellationTokenSource>();
            for (int i = 0; i < 2_000; i++)
            {
                CancellationToken token = CancellationToken.None;
                int roll = random.Next(100);
                if (roll < 3)
                {
                    token = new CancellationToken(true);
                }
                else if (roll < 10)
                {
                    var source = new CancellationTokenSource();
                    cancellations.Add(source);
                    token = source.Token;
                }

                CallGate gate = random.Next(3) == 0 ? throttle.Gate("Search") : throttle.DefaultGate;
                calls.Add(gate.RunAsync((server, seed: random.Next()), static s => s.server.Call(s.seed), ServerThrottle.HttpResponse, token));
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

                clock.Advance(Ms(5));
                await Task.Yield();
                Assert.True(step < 2_000_000, "the calls never finished");
            }

            completed += calls.Count;
            cancellations.ForEach(c => c.Dispose());
        }

        Assert.Equal(100_000, completed);
        Assert.True(server.Invocations > server.DistinctCalls, "throttled attempts were retried");
        Assert.Equal(0, server.InFlight);
        Assert.InRange(server.MaxInFlight, 1, Slots);
        Assert.True(SlidingWindowLimiterTests.MaxStartsInAnyWindow(server.StartTimes, S(1)) <= ClientPermits);
        Assert.Equal(0, throttle.InFlight);
        Assert.Equal(0, throttle.Waiting);

        // Every slot and permit came back: once the windows have passed, exactly the configured budget is there.
        clock.Advance(S(2));
        Assert.Equal(Slots, CountAdmissions(throttle, throttle.DefaultGate, max: Slots + 1, exitEach: false));
        Assert.Equal(MethodPermits, CountAdmissions(throttle, throttle.Gate("Search"), max: ClientPermits, exitEach: true));
        Assert.Equal(ClientPermits - Slots - MethodPermits, CountAdmissions(throttle, throttle.DefaultGate, max: ClientPermits, exitEach: true));
    }

    // Admits calls until the throttle refuses; the admitted ones stay in flight until the end unless exitEach.
    private static int CountAdmissions(ClientThrottle throttle, CallGate gate, int max, bool exitEach)
    {
        var held = new List<long>();
        int admitted = 0;
        while (admitted < max && throttle.TryEnter(gate.Stage, out long started))
        {
            admitted++;
            if (exitEach)
            {
                throttle.Exit(gate.Stage, started);
            }
            else
            {
                held.Add(started);
            }
        }

        held.ForEach(started => throttle.Exit(gate.Stage, started));
        return admitted;
    }

    /// <summary>Answers each attempt at random: fast or slow success, 429s with and without Retry-After, failures.</summary>
    private sealed class ChaosServer(FakeTimeProvider clock)
    {
        private readonly object _sync = new();
        private readonly List<TimeSpan> _starts = new();
        private readonly HashSet<int> _seeds = new();
        private int _inFlight;

        public int InFlight => Volatile.Read(ref _inFlight);

        public int MaxInFlight { get; private set; }

        public int Invocations
        {
            get
            {
                lock (_sync)
                {
                    return _starts.Count;
                }
            }
        }

        public int DistinctCalls
        {
            get
            {
                lock (_sync)
                {
                    return _seeds.Count;
                }
            }
        }

        public IReadOnlyList<TimeSpan> StartTimes
        {
            get
            {
                lock (_sync)
                {
                    return _starts.ToArray();
                }
            }
        }

        public Task<HttpResponseMessage> Call(int seed)
        {
            int attempt;
            lock (_sync)
            {
                _starts.Add(clock.GetUtcNow() - Start);
                _seeds.Add(seed);
                attempt = _starts.Count;
                MaxInFlight = Math.Max(MaxInFlight, Interlocked.Increment(ref _inFlight));
            }

            var random = new Random(seed ^ attempt);
            int roll = random.Next(100);
            if (roll < 3)
            {
                Interlocked.Decrement(ref _inFlight);
                throw new InvalidOperationException("thrown before any await");
            }

            return RespondAsync(roll, random.Next(60));
        }

        private async Task<HttpResponseMessage> RespondAsync(int roll, int milliseconds)
        {
            try
            {
                if (roll >= 50)
                {
                    await Task.Yield();
                }

                return roll switch
                {
                    < 60 => throw new InvalidOperationException("server error"),
                    < 65 => throw new OperationCanceledException("inner cancellation"),
                    < 70 => throw new TooManyRequestsException(milliseconds % 2 == 0 ? null : Ms(milliseconds)),
                    < 78 => TooManyResponse(milliseconds),
                    _ => new HttpResponseMessage(HttpStatusCode.OK),
                };
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        private static HttpResponseMessage TooManyResponse(int milliseconds)
        {
            var response = new HttpResponseMessage((HttpStatusCode)429);
            if (milliseconds > 10)
            {
                response.Headers.RetryAfter = new RetryConditionHeaderValue(Ms(milliseconds));
            }

            return response;
        }
    }
}
