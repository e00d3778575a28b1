-- Shared by the scripts that touch rate limits (prepended to each; Redis runs each script as one unit).
-- Time is the Redis server's, in microseconds, so every process counts on one clock; ARGV[1] shifts it (tests only).
-- A limit is described by three ARGV values, kind ("s" sliding, "f" fixed, "b" token bucket), permits and window (µs),
-- and owns two KEYS: its data and, for a sliding window, the running sum of the permits in its log.

local function now_us(skew)
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2]) + tonumber(skew)
end

-- What a call of `cost` is charged in a limit: its cost where the limit counts units (its scope, "c" or "m", is followed
-- by "w", or by "t" for tokens; see ClientKeys), capped at the limit (a cost beyond it was refused before anything was
-- sent); one where it counts requests.
local function charge(scope, cost, limit)
  if #scope > 1 then return math.min(cost, limit) end
  return 1
end

-- A sliding window's log holds one member per start, "<id>:<permits>", scored by the start's date. A start dated at s
-- counts until s + window; one not dated yet is scored at its latest possible date (its recording cap).
local function sliding_used(log, sum, now, window)
  local cutoff = now - window
  local old = redis.call('ZRANGEBYSCORE', log, '-inf', cutoff)
  if #old > 0 then
    local n = 0
    for _, m in ipairs(old) do n = n + tonumber(string.match(m, ':(%d+)$')) end
    redis.call('ZREMRANGEBYSCORE', log, '-inf', cutoff)
    redis.call('DECRBY', sum, n)
  end
  return tonumber(redis.call('GET', sum) or '0')
end

-- Microseconds until `permits` more fit in the window; 0 when they do now.
local function sliding_wait(log, sum, now, limit, window, permits)
  local used = sliding_used(log, sum, now, window)
  local need = used + permits - limit
  if need <= 0 then return 0 end
  local entries = redis.call('ZRANGE', log, 0, -1, 'WITHSCORES')
  local freed = 0
  for i = 1, #entries, 2 do
    freed = freed + tonumber(string.match(entries[i], ':(%d+)$'))
    if freed >= need then return math.max(1, tonumber(entries[i + 1]) + window - now) end
  end
  return -1
end

-- Adding a start already in the log (a replay after an outage Redis survived) only moves it.
local function sliding_add(log, sum, score, member, permits, ttl_ms)
  if redis.call('ZADD', log, score, member) == 1 then redis.call('INCRBY', sum, permits) end
  redis.call('PEXPIRE', log, ttl_ms)
  redis.call('PEXPIRE', sum, ttl_ms)
end

-- A fixed window is a hash: w, the window's index (windows are UTC multiples of their length), n, the permits started
-- in it, and x, permits already counted against the next window. A start within its recording cap of the window's end
-- may reach the server in either window, so it counts in both.
local function fixed_counts(key, index)
  local w = tonumber(redis.call('HGET', key, 'w') or '-1')
  local n = tonumber(redis.call('HGET', key, 'n') or '0')
  local x = tonumber(redis.call('HGET', key, 'x') or '0')
  if w == index then return n, x end
  if w == index - 1 then return x, 0 end
  return 0, 0
end

local function fixed_wait(key, now, limit, window, permits, cap)
  local index = math.floor(now / window)
  local n, x = fixed_counts(key, index)
  if n + permits > limit then return math.max(1, (index + 1) * window - now) end
  if math.floor((now + cap) / window) > index and x + permits > limit then return math.max(1, (index + 1) * window - now) end
  return 0
end

local function fixed_add(key, now, window, permits, cap, at)
  local index = math.floor(now / window)
  local n, x = fixed_counts(key, index)
  local at_index = math.floor(at / window)
  if at_index == index then n = n + permits end
  if math.floor((at + cap) / window) > index then x = x + permits end
  redis.call('HSET', key, 'w', index, 'n', n, 'x', x)
  redis.call('PEXPIRE', key, math.ceil(2 * window / 1000) + 1000)
end

-- A token bucket is a hash: t, the tokens left at a, its last update; it holds `limit` tokens and refills them all
-- over one window.
local function bucket_tokens(key, now, limit, window)
  local t = tonumber(redis.call('HGET', key, 't') or limit)
  local a = tonumber(redis.call('HGET', key, 'a') or now)
  return math.min(limit, t + math.max(0, now - a) * limit / window)
end

local function bucket_wait(key, now, limit, window, permits)
  local tokens = bucket_tokens(key, now, limit, window)
  if tokens >= permits then return 0 end
  return math.max(1, math.ceil((permits - tokens) * window / limit))
end

local function bucket_take(key, now, limit, window, permits)
  local tokens = bucket_tokens(key, now, limit, window)
  redis.call('HSET', key, 't', tokens - permits, 'a', now)
  redis.call('PEXPIRE', key, math.ceil(window / 1000) + 1000)
end

-- What the client's own limits of `wanted` scope leave at `now`: the least any of them leaves (math.huge for none). The
-- limits are described from ARGV[first], `count` of them, with their keys from KEYS[3]. A server's request count is
-- compared with the client's limits of requests ("c"), its token count with those counted in tokens ("ct").
local function own_left(now, count, first, wanted)
  local own = math.huge
  for i = 0, count - 1 do
    local kind, limit, window, scope = ARGV[first + i * 4], tonumber(ARGV[first + 1 + i * 4]), tonumber(ARGV[first + 2 + i * 4]), ARGV[first + 3 + i * 4]
    if scope == wanted then
      local data, aux = KEYS[3 + i * 2], KEYS[4 + i * 2]
      local left
      if kind == 's' then left = limit - sliding_used(data, aux, now, window)
      elseif kind == 'f' then left = limit - fixed_counts(data, math.floor(now / window))
      else left = math.floor(bucket_tokens(data, now, limit, window)) end
      if left < own then own = left end
    end
  end
  return own
end

-- The server's answer to a call said `remaining` of its requests (or tokens) are left until `reset` (µs): where that
-- leaves the client fewer than its own limits do (others use the account, or the server is stricter), no more than
-- `remaining` calls (tokens) after that call's start start before the reset, in every process (acquire.lua, status 5).
-- The cool-down hash keeps the count in `n`, the bound in `a` and its end in `q` for requests; in `tn`, `ta`, `tq` for
-- tokens (`f` names the fields: 'n', 'a' and 'q', or 'tn', 'ta' and 'tq'). Until the
-- reset what is allowed only tightens: calls sent together reach the server in any order, and the tightest answer is
-- the one it counted last. Where the server leaves no fewer, the client's exact windows pace it, and a bound set earlier
-- is lifted (waking the waiters on `channel`). `mark` is the call's place in the count of starts acquire.lua keeps in
-- the cool-down hash; `own` what the client's limits left once it was granted (acquire.lua's answer).
local function server_said(cool_key, now, mark, remaining, reset, own, channel, f)
  local cool = redis.call('HMGET', cool_key, f.a, f.q, f.n)
  local starts = tonumber(cool[3] or '0')

  -- The calls started since the answered one may or may not be in the server's count (they reach it in any order):
  -- only when even counting them all its `remaining` falls short of what the client's limits left is it surely
  -- stricter. Compared with the limits now instead, the permits that returned since would make every answer at a
  -- window's turn look strict.
  local quota_reset = tonumber(cool[2] or '0')
  if remaining + (starts - mark) >= own then
    if quota_reset > 0 then
      redis.call('HDEL', cool_key, f.a, f.q)
      redis.call('PUBLISH', channel, '1')
    end
    return
  end

  local allowed, until_us = mark + remaining, now + reset
  if quota_reset > now then
    allowed = math.min(allowed, tonumber(cool[1]))
    until_us = math.max(until_us, quota_reset)
  end
  redis.call('HSET', cool_key, f.a, allowed, f.q, until_us)
  local ttl = redis.call('PTTL', cool_key)
  local want = math.ceil((until_us - now) / 1000) + 1000
  if ttl >= 0 and ttl < want then redis.call('PEXPIRE', cool_key, want) end
end

local REQUESTS = {n = 'n', a = 'a', q = 'q'}
local TOKENS = {n = 'tn', a = 'ta', q = 'tq'}
