-- Sets the live limit of adaptive slots that every process of the budget admits by (acquire.lua's `l`); a higher one
-- wakes the waiters. KEYS: 1 cool-down hash. ARGV: 1 the limit, 2 channel woken when it rose.
local before = tonumber(redis.call('HGET', KEYS[1], 'l') or '0')
redis.call('HSET', KEYS[1], 'l', ARGV[1])
if redis.call('PTTL', KEYS[1]) < 86400000 then redis.call('PEXPIRE', KEYS[1], 86400000) end
if tonumber(ARGV[1]) > before then redis.call('PUBLISH', ARGV[2], '1') end
return before
