-- Extends the leases of calls still running. KEYS: 1 slots. ARGV: 1 skew, 2 lease (µs), then the lease ids.
-- Returns how many were still held (a lease that expired was reclaimed; its call runs on, uncounted).
local now = now_us(ARGV[1])
local held = 0
for i = 3, #ARGV do
  held = held + redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[2]), ARGV[i])
end
if held > 0 then redis.call('PEXPIRE', KEYS[1], math.ceil(2 * tonumber(ARGV[2]) / 1000)) end
return held
