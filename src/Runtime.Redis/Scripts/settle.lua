-- Settles a call's cost: it reserved `reserved` in the limits that count units and really cost `actual`. A sliding
-- window's member is rewritten to the real cost at the same date; a fixed window's count moves only when the start
-- fell in the current window; a token bucket gets the difference back (or pays an overrun) now. The count of tokens
-- charged (the cool-down hash's tn, see acquire.lua) moves by the difference too.
-- KEYS: as acquire.lua. ARGV: 1 skew, 2 lease id, 3 reserved, 4 actual, 5 age (µs since the call was invoked),
-- 6 channel woken when something freed, 7 limit count, then per limit: kind, permits, window (µs), scope.
local now = now_us(ARGV[1])
local id, reserved, actual, invoked = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), now - tonumber(ARGV[5])
local freed = false
local counts_tokens = false
for i = 0, tonumber(ARGV[7]) - 1 do
  if ARGV[11 + i * 4] == 'ct' then counts_tokens = true end
  local kind, limit, window, scope = ARGV[8 + i * 4], tonumber(ARGV[9 + i * 4]), tonumber(ARGV[10 + i * 4]), ARGV[11 + i * 4]
  local data, aux = KEYS[3 + i * 2], KEYS[4 + i * 2]
  local held, real = charge(scope, reserved, limit), charge(scope, actual, limit)
  if held ~= real then
    if kind == 's' then
      local score = redis.call('ZSCORE', data, id .. ':' .. held)
      if score then
        redis.call('ZREM', data, id .. ':' .. held)
        redis.call('ZADD', data, score, id .. ':' .. real)
        redis.call('INCRBY', aux, real - held)
      end
    elseif kind == 'f' then
      local index = math.floor(now / window)
      if math.floor(invoked / window) == index then
        local n, x = fixed_counts(data, index)
        redis.call('HSET', data, 'w', index, 'n', math.max(0, n + real - held), 'x', x)
        redis.call('PEXPIRE', data, math.ceil(2 * window / 1000) + 1000)
      end
    else
      local tokens = bucket_tokens(data, now, limit, window)
      redis.call('HSET', data, 't', math.min(limit, tokens + held - real), 'a', now)
      redis.call('PEXPIRE', data, math.ceil(window / 1000) + 1000)
    end
    if real < held then freed = true end
  end
end
if counts_tokens then redis.call('HINCRBY', KEYS[2], 'tn', actual - reserved) end
if freed then redis.call('PUBLISH', ARGV[6], '1') end
return 1
