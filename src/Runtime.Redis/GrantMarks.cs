namespace Throttling.Redis;

/// <summary>
/// Where a granted call stands in every process's count (acquire.lua's answer): the starts and the tokens charged right
/// after its grant, and what the client's limits of each left then (-1: none); the server's answers are compared with them.
/// </summary>
internal readonly record struct GrantMarks(long Starts, long OwnLeft, long Tokens, long OwnTokensLeft);
