-- Takes back what an acquire granted that the process gave up waiting for (it timed out, and ran once Redis answered
-- again): the slot leases, and the starts in sliding windows. A fixed window's or a token bucket's count cannot tell
-- whose a start was; it keeps them, which errs on the safe side. KEYS: as acquire.lua. ARGV: 1 limit count, then per
-- limit: kind, permits, window (µs), scope; then per call its lease id and its cost.
local count = tonumber(ARGV[1])
local freed = 0
for a = 2 + count * 4, #ARGV, 2 do
  local lease, cost = ARGV[a], tonumber(ARGV[a + 1])
  freed = freed + redis.call('ZREM', KEYS[1], lease)
  for i = 0, count - 1 do
    local permits = charge(ARGV[5 + i * 4], cost, tonumber(ARGV[3 + i * 4]))
    if ARGV[2 + i * 4] == 's' and redis.call('ZREM', KEYS[3 + i * 2], lease .. ':' .. permits) == 1 then
      redis.call('DECRBY', KEYS[4 + i * 2], permits)
      freed = freed + 1
    end
  end
end
return freed
