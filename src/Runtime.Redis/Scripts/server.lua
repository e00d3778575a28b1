-- The server's answer to a call said `remaining` of its requests are left until `reset`: where that leaves the client
-- fewer starts than its own limits do (others use the account, or the server is stricter), no more than `remaining`
-- calls after that call's start start before the reset, in every process (acquire.lua, status 5). Until the reset what
-- is allowed only tightens: calls sent together reach the server in any order, and the tightest answer is the one it
-- counted last. Where the server leaves no fewer, the client's exact windows pace it, and a bound set earlier is lifted.
-- KEYS: as acquire.lua. ARGV: 1 skew, 2 the answered call's mark (its start's place in the count acquire.lua keeps),
-- 3 remaining, 4 reset (µs), 5 channel woken when a bound is lifted, 6 limit count, then per limit: kind, permits,
-- window (µs), scope. Returns 1 when the bound binds, 0 when it does not.
local now = now_us(ARGV[1])
local mark, remaining, reset = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local cool = redis.call('HMGET', KEYS[2], 'n', 'a', 'q')
local starts = tonumber(cool[1] or '0')

local own = math.huge
for i = 0, tonumber(ARGV[6]) - 1 do
  local kind, limit, window, scope = ARGV[7 + i * 4], tonumber(ARGV[8 + i * 4]), tonumber(ARGV[9 + i * 4]), ARGV[10 + i * 4]
  if scope == 'c' then
    local data, aux = KEYS[3 + i * 2], KEYS[4 + i * 2]
    local left
    if kind == 's' then left = limit - sliding_used(data, aux, now, window)
    elseif kind == 'f' then left = limit - fixed_counts(data, math.floor(now / window))
    else left = math.floor(bucket_tokens(data, now, limit, window)) end
    if left < own then own = left end
  end
end

local quota_reset = tonumber(cool[3] or '0')
if mark + remaining - starts >= own then
  if quota_reset > 0 then
    redis.call('HDEL', KEYS[2], 'a', 'q')
    redis.call('PUBLISH', ARGV[5], '1')
  end
  return 0
end

local allowed, until_us = mark + remaining, now + reset
if quota_reset > now then
  allowed = math.min(allowed, tonumber(cool[2]))
  until_us = math.max(until_us, quota_reset)
end
redis.call('HSET', KEYS[2], 'a', allowed, 'q', until_us)
local ttl = redis.call('PTTL', KEYS[2])
local want = math.ceil((until_us - now) / 1000) + 1000
if ttl >= 0 and ttl < want then redis.call('PEXPIRE', KEYS[2], want) end
return 1
