-- Ends a call: frees its slot and dates its start at its response (now), unless its recording cap came first; and
-- passes on what the server's answer to it said of its request and token quotas, when it said something (see
-- server_said).
-- KEYS: as acquire.lua. ARGV: 1 skew, 2 lease id, 3 the call's cost (see charge), 4 channel woken when something freed, 5 limit count,
-- then per limit: kind, permits, window (µs), scope; then, when the server said something, the call's mark, the
-- requests remaining (-1: it said nothing of them), the reset (µs), what the client's limits left once the call was
-- granted (-1: unlimited), and how long before now its start is dated (µs), the server having counted it; then, when
-- it said what is left of its tokens, the call's token mark, the tokens remaining, their reset (µs), and what the
-- client's token limits left once the call was granted.
local now = now_us(ARGV[1])
local told = 6 + tonumber(ARGV[5]) * 4
local at = now
if #ARGV >= told + 4 then at = now - tonumber(ARGV[told + 4]) end
local freed = redis.call('ZREM', KEYS[1], ARGV[2])
for i = 0, tonumber(ARGV[5]) - 1 do
  if ARGV[6 + i * 4] == 's' then
    local log = KEYS[3 + i * 2]
    local member = ARGV[2] .. ':' .. charge(ARGV[9 + i * 4], tonumber(ARGV[3]), tonumber(ARGV[7 + i * 4]))
    local score = redis.call('ZSCORE', log, member)
    if score and tonumber(score) > at then
      redis.call('ZADD', log, 'XX', at, member)
      freed = freed + 1
    end
  end
end
if freed > 0 then redis.call('PUBLISH', ARGV[4], '1') end
if #ARGV >= told + 3 and tonumber(ARGV[told + 1]) >= 0 then
  local own = tonumber(ARGV[told + 3])
  server_said(KEYS[2], now, tonumber(ARGV[told]), tonumber(ARGV[told + 1]), tonumber(ARGV[told + 2]), own < 0 and math.huge or own, ARGV[4], REQUESTS)
end
if #ARGV >= told + 8 then
  local own = tonumber(ARGV[told + 8])
  server_said(KEYS[2], now, tonumber(ARGV[told + 5]), tonumber(ARGV[told + 6]), tonumber(ARGV[told + 7]), own < 0 and math.huge or own, ARGV[4], TOKENS)
end
return freed
