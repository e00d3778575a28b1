-- Says this process is alive until now + ttl and counts the live ones. KEYS: 1 processes. ARGV: 1 skew, 2 process id,
-- 3 ttl (µs); a ttl of 0 says the process leaves.
local now = now_us(ARGV[1])
if tonumber(ARGV[3]) > 0 then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
  redis.call('PEXPIRE', KEYS[1], math.ceil(2 * tonumber(ARGV[3]) / 1000))
else
  redis.call('ZREM', KEYS[1], ARGV[2])
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZCARD', KEYS[1])
