-- Pauses the client in every process: field "c" (a cool-down) or "r" (refused, with "f" the wait the server asked for)
-- is moved to now + duration unless it already ends later. KEYS: 1 cool-down hash. ARGV: 1 skew, 2 field, 3 duration (µs).
local now = now_us(ARGV[1])
local until_us = now + tonumber(ARGV[3])
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[2]) or '0')
if until_us > current then
  redis.call('HSET', KEYS[1], ARGV[2], until_us)
  if ARGV[2] == 'r' then redis.call('HSET', KEYS[1], 'f', ARGV[3]) end
  local ttl = redis.call('PTTL', KEYS[1])
  local want = math.ceil((until_us - now) / 1000) + 1000
  if ttl < want then redis.call('PEXPIRE', KEYS[1], want) end
end
return until_us - now
