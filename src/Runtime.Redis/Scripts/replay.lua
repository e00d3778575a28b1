-- After an outage: records the starts this process made on its local share, so that the shared budget does not grant
-- them again. KEYS: as acquire.lua. ARGV: 1 skew, 2 lease (µs), 3 recording cap (µs), 4 limit count, then per limit
-- kind, permits, window, scope; then per start: lease id, its call's cost (see charge), age (µs before now it was
-- dated; negative for a call still running, dated at most that far ahead), running ("1": it holds a slot until it ends).
local now = now_us(ARGV[1])
local lease, cap, count = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local first = 5 + count * 4
for s = first, #ARGV, 4 do
  local id, cost, at, running = ARGV[s], tonumber(ARGV[s + 1]), now - tonumber(ARGV[s + 2]), ARGV[s + 3]
  if running == '1' then redis.call('ZADD', KEYS[1], now + lease, id) end
  for i = 0, count - 1 do
    local kind, limit, window = ARGV[5 + i * 4], tonumber(ARGV[6 + i * 4]), tonumber(ARGV[7 + i * 4])
    local data, aux = KEYS[3 + i * 2], KEYS[4 + i * 2]
    local permits = charge(ARGV[8 + i * 4], cost, limit)
    if kind == 's' then
      if at > now - window then
        sliding_used(data, aux, now, window)
        sliding_add(data, aux, at, id .. ':' .. permits, permits, math.ceil((window + cap) / 1000) + 1000)
      end
    elseif kind == 'f' then fixed_add(data, now, window, permits, cap, at)
    else bucket_take(data, now, limit, window, permits) end
  end
end
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], math.ceil(2 * lease / 1000)) end
return 1
