-- Takes a slot and a permit of every limit, all or nothing, for the starts of up to N calls, in order: one round trip
-- admits as many of a process's waiters as the budget allows.
-- KEYS: 1 slots (lease id -> deadline), 2 cool-down hash, then two per limit (see limits.lua).
-- ARGV: 1 skew, 2 lease (µs), 3 slot count (0: none; adaptive slots: the process's live limit), 4 recording cap (µs),
--       5 limit count, then per limit: kind, permits, window (µs), scope ("c" client, "m" method; "cw", "mw" where the
--       limit counts units); then per call its lease id and its cost (what weighted limits charge it, see charge).
-- Returns {granted, status, wait (µs; -1 unknown), now, asked (µs), starts, live, left, learned, tokens, tokens_left}:
-- the first `granted`
-- calls have their turn; status says why the next has not: 1 none (all granted); 0 the client cannot start (slots, a
-- client limit); 2 only this method's limits are used up; 3 the server refused every call until later, having asked to
-- wait `asked`; 4 the client cools down after a 429; 5 the server said it has no more until its reset (server_said in
-- limits.lua). `starts` counts the client's starts ever, the granted ones included: the mark of the i-th granted call
-- (from 1) is starts - granted + i. `live` is the live limit of adaptive slots the processes keep together (0 when none
-- is kept). `left` is what the client's limits leave after the last grant (-1: no limit); the i-th granted call's
-- server answer is compared with left + granted - i (server_said). `learned` is the client hash's `p` (learned.lua).
-- `tokens` counts the tokens charged ever to the client's limits counted in tokens (scope "ct"), the granted calls'
-- included, and `tokens_left` is what those limits leave (-1: none): the token marks, as `starts` is the request marks.
-- The cool-down hash also holds n, that count; a and q: no start beyond the a-th before q (server_said); l, the live
-- slot limit, below the slot count while adaptive slots keep it there; p, the server's stricter policies; and tn, ta,
-- tq, the tokens' n, a and q.
local now = now_us(ARGV[1])
local lease, slots, cap = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local count = tonumber(ARGV[5])
local first_id = 6 + count * 4

local cool = redis.call('HMGET', KEYS[2], 'c', 'r', 'f', 'n', 'a', 'q', 'l', 'p', 'tn', 'ta', 'tq')
local learned = cool[8] or ''
local tokens, tokens_allowed, tokens_reset = tonumber(cool[9] or '0'), tonumber(cool[10] or '0'), tonumber(cool[11] or '0')
local counts_tokens = false
for i = 0, count - 1 do
  if ARGV[9 + i * 4] == 'ct' then counts_tokens = true end
end
local starts = tonumber(cool[4] or '0')
local live = tonumber(cool[7] or '0')
if live > 0 and live < slots then slots = live end
local refused = tonumber(cool[2] or '0')
if refused > now then return {0, 3, refused - now, now, tonumber(cool[3] or '0'), starts, live, -1, learned, tokens, -1} end
local cooling = tonumber(cool[1] or '0')
if cooling > now then return {0, 4, cooling - now, now, 0, starts, live, -1, learned, tokens, -1} end
local allowed, quota_reset = tonumber(cool[5] or '0'), tonumber(cool[6] or '0')
if slots > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now) end

local granted = 0

-- The count outlives every call's mark: it expires a day after the client's last start.
local function answer(status, wait)
  local left, tokens_left = -1, -1
  if granted > 0 then
    redis.call('HSET', KEYS[2], 'n', starts)
    if counts_tokens then redis.call('HSET', KEYS[2], 'tn', tokens) end
    if redis.call('PTTL', KEYS[2]) < 86400000 then redis.call('PEXPIRE', KEYS[2], 86400000) end
    local own = own_left(now, count, 6, 'c')
    if own ~= math.huge then left = own end
    if counts_tokens then tokens_left = own_left(now, count, 6, 'ct') end
  end
  return {granted, status, wait, now, 0, starts, live, left, learned, tokens, tokens_left}
end

for a = first_id, #ARGV, 2 do
  local cost = tonumber(ARGV[a + 1])
  if quota_reset > now and starts >= allowed then return answer(5, quota_reset - now) end
  if counts_tokens and tokens_reset > now and tokens + cost > tokens_allowed then return answer(5, tokens_reset - now) end
  if slots > 0 and redis.call('ZCARD', KEYS[1]) >= slots then
    local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    return answer(0, math.max(1, tonumber(oldest[2]) - now))
  end

  local client_wait, method_wait = 0, 0
  for i = 0, count - 1 do
    local kind, limit, window, scope = ARGV[6 + i * 4], tonumber(ARGV[7 + i * 4]), tonumber(ARGV[8 + i * 4]), ARGV[9 + i * 4]
    local data, aux = KEYS[3 + i * 2], KEYS[4 + i * 2]
    local permits = charge(scope, cost, limit)
    local wait
    if kind == 's' then wait = sliding_wait(data, aux, now, limit, window, permits)
    elseif kind == 'f' then wait = fixed_wait(data, now, limit, window, permits, cap)
    else wait = bucket_wait(data, now, limit, window, permits) end
    if wait ~= 0 then
      if string.sub(scope, 1, 1) == 'c' then
        if client_wait ~= -1 and (wait == -1 or wait > client_wait) then client_wait = wait end
      elseif method_wait ~= -1 and (wait == -1 or wait > method_wait) then method_wait = wait end
    end
  end
  if client_wait ~= 0 then return answer(0, client_wait) end
  if method_wait ~= 0 then return answer(2, method_wait) end

  local lease_id = ARGV[a]
  if slots > 0 then
    redis.call('ZADD', KEYS[1], now + lease, lease_id)
    redis.call('PEXPIRE', KEYS[1], math.ceil(2 * lease / 1000))
  end
  for i = 0, count - 1 do
    local kind, limit, window, scope = ARGV[6 + i * 4], tonumber(ARGV[7 + i * 4]), tonumber(ARGV[8 + i * 4]), ARGV[9 + i * 4]
    local data, aux = KEYS[3 + i * 2], KEYS[4 + i * 2]
    local permits = charge(scope, cost, limit)
    if kind == 's' then sliding_add(data, aux, now + cap, lease_id .. ':' .. permits, permits, math.ceil((window + cap) / 1000) + 1000)
    elseif kind == 'f' then fixed_add(data, now, window, permits, cap, now)
    else bucket_take(data, now, limit, window, permits) end
  end
  granted = granted + 1
  starts = starts + 1
  if counts_tokens then tokens = tokens + cost end
end
return answer(1, 0)
