-- Sets the policies the server declared that are stricter than the attributes, which every process adds to its own
-- limits (acquire.lua's `p`: "permits/window ticks", comma-separated; empty for none). KEYS: 1 cool-down hash.
-- ARGV: 1 the policies.
redis.call('HSET', KEYS[1], 'p', ARGV[1])
if redis.call('PTTL', KEYS[1]) < 86400000 then redis.call('PEXPIRE', KEYS[1], 86400000) end
return 1
