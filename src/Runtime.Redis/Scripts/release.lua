-- Ends a call: frees its slot and dates its start at its response (now), unless its recording cap came first.
-- KEYS: as acquire.lua. ARGV: 1 skew, 2 lease id, 3 permits, 4 channel woken when something freed, 5 limit count,
-- then per limit: kind, permits, window (µs), scope.
local now = now_us(ARGV[1])
local freed = redis.call('ZREM', KEYS[1], ARGV[2])
local member = ARGV[2] .. ':' .. ARGV[3]
for i = 0, tonumber(ARGV[5]) - 1 do
  if ARGV[6 + i * 4] == 's' then
    local log = KEYS[3 + i * 2]
    local score = redis.call('ZSCORE', log, member)
    if score and tonumber(score) > now then
      redis.call('ZADD', log, 'XX', now, member)
      freed = freed + 1
    end
  end
end
if freed > 0 then redis.call('PUBLISH', ARGV[4], '1') end
return freed
