using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;
using StackExchange.Redis;

namespace Throttling.Redis;

/// <summary>
/// One Lua script, sent by its SHA-1 (<c>EVALSHA</c>) so a call costs one small round trip; a server that does not know
/// it yet (a restart, a failover, <c>SCRIPT FLUSH</c>) gets its text once, by <c>EVAL</c>, which also loads it.
/// </summary>
internal sealed class RedisScript
{
    private RedisScript(string name, string text)
    {
        Name = name;
        Text = text;
#pragma warning disable CA5350 // EVALSHA names a script by its SHA-1: no security rests on it.
        Hash = SHA1.HashData(Encoding.UTF8.GetBytes(text));
#pragma warning restore CA5350
    }

    public string Name { get; }

    public string Text { get; }

    public byte[] Hash { get; }

    public static RedisScript Acquire { get; } = Load("acquire");

    public static RedisScript Release { get; } = Load("release");

    public static RedisScript Renew { get; } = Load("renew");

    public static RedisScript CoolDown { get; } = Load("cooldown");

    public static RedisScript Heartbeat { get; } = Load("heartbeat");

    public static RedisScript Replay { get; } = Load("replay");

    public static RedisScript SlotLimit { get; } = Load("slotlimit");

    public static RedisScript Learned { get; } = Load("learned");

    public static RedisScript Abandon { get; } = Load("abandon");

    public static RedisScript Settle { get; } = Load("settle");

    public async Task<RedisResult> EvaluateAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] values)
    {
        try
        {
            return await database.ScriptEvaluateAsync(Hash, keys, values).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await database.ScriptEvaluateAsync(Text, keys, values).ConfigureAwait(false);
        }
    }

    private static RedisScript Load(string name) => new(name, Read("limits") + "\n" + Read(name));

    private static string Read(string name)
    {
        using Stream stream = typeof(RedisScript).Assembly.GetManifestResourceStream($"Throttling.Redis.Scripts.{name}.lua")
            ?? throw new InvalidOperationException($"The script {name}.lua is missing from Throttling.Redis.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
