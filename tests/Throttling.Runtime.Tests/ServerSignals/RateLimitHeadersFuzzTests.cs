using System.Text;

namespace Throttling.Tests.ServerSignals;

// Whatever a server (or a proxy, or an attacker) puts in these fields, reading them neither throws nor hangs.
public class RateLimitHeadersFuzzTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    private static readonly string[] Valid =
    {
        "\"burst\";q=100;w=60, \"daily\";q=1000;w=86400;qu=\"requests\"",
        "\"burst\";r=12;t=20, daily;r=700;t=3000;pk=:Zm9vYmFy:",
        "(a b);x=?1, \"c\";r=1.250, *tok/en:x;r=4",
        "1796198430",
        "6m0.5s",
        "2026-12-02T08:00:02Z",
    };

    private const string Delimiters = "\";=,():?*-.9\\ \t\u00ff";

    private static readonly string[] Names =
    {
        "RateLimit", "RateLimit-Policy", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
        "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens", "anthropic-ratelimit-requests-remaining",
        "anthropic-ratelimit-requests-reset",
    };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Mutations_of_valid_fields_never_throw(int seed)
    {
        var random = new Random(seed);
        int read = 0;
        for (int i = 0; i < 4000; i++)
        {
            var fields = new List<(string, string)>();
            foreach (string name in Names)
            {
                fields.Add((name, Mutate(Valid[random.Next(Valid.Length)], random)));
            }

            if (ReadSafely(fields) is not null)
            {
                read++;
            }
        }

        // Mutations keep enough fields intact that some still read: the fuzz reached past the first character.
        Assert.InRange(read, 1, 3999);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void Random_bytes_never_throw(int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < 4000; i++)
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            string text = Encoding.Latin1.GetString(bytes);
            ReadSafely(new[] { (Names[random.Next(Names.Length)], text), ("X-RateLimit-Reset", text) });

            // A field that fails to parse leaves nothing half-read behind.
            Assert.True(StructuredFieldList.TryParse(text, out List<StructuredItem> members) || members.Count == 0);
            Assert.True(GoDuration.TryParse(text, out TimeSpan duration) || duration == TimeSpan.Zero);
        }
    }

    [Fact]
    public void A_field_of_a_megabyte_reads_in_linear_time()
    {
        string huge = string.Join(", ", Enumerable.Repeat("\"k\";r=1;t=1", 80_000));

        ServerLimits? limits = ReadSafely(new[] { ("RateLimit", huge) });

        Assert.Equal(1, limits?.Requests?.Remaining);
    }

    private static ServerLimits? ReadSafely(IEnumerable<(string Name, string Value)> fields)
        => RateLimitHeaders.Read(RateLimitHeadersTests.Headers(fields.ToArray()), Now);

    private static string Mutate(string text, Random random)
    {
        var builder = new StringBuilder(text);
        int edits = random.Next(1, 4);
        for (int e = 0; e < edits; e++)
        {
            int at = builder.Length == 0 ? 0 : random.Next(builder.Length);
            switch (random.Next(4))
            {
                case 0 when builder.Length > 0:
                    builder.Remove(at, 1);
                    break;
                case 1:
                    builder.Insert(at, Delimiters[random.Next(Delimiters.Length)]);
                    break;
                case 2 when builder.Length > 0:
                    builder[at] = (char)random.Next(0x20, 0x7f);
                    break;
                default:
                    builder.Insert(at, random.Next(2) == 0 ? "99999999999999999" : "-");
                    break;
            }
        }

        return builder.ToString();
    }
}
