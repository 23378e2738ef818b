/// The Lua scripts the fleet store runs in Redis: each one step, atomic, timed by the server's clock
/// (`TIME`), so shards on machines whose clocks differ still share one bucket.
///
/// Loaded once per connection (`SCRIPT LOAD`) and called by their SHA1 (`EVALSHA`); a store that
/// restarted and forgot them answers NOSCRIPT, and they are loaded again. An endpoint's request
/// bucket is a hash that also holds what the fleet learned of it: `learned` (cut by 429s, rising
/// while shards are held back), `announced` (its rate-limit headers), `cool` (until when it rests).
enum FleetScripts {
    /// Shared by the scripts: the server's time, and an endpoint's rate in force.
    static let prelude = """
    local t = redis.call('TIME')
    local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
    local function least(a, b)
      if not a or a <= 0 then return b end
      if not b or b <= 0 then return a end
      return math.min(a, b)
    end
    local function inforce(key, configured)
      local b = redis.call('HMGET', key, 'learned', 'announced', 'cool')
      local limit = least(least(configured, tonumber(b[2])), tonumber(b[1])) or 0
      return limit, math.max(0, (tonumber(b[3]) or 0) - now), tonumber(b[1])
    end

    """

    /// Registers a shard's heartbeat, forgets shards silent for `ARGV[3]` seconds, and returns
    /// `{added, shards alive, settings…, {rate, cool} of each endpoint}`. A store that lost the
    /// settings (restarted empty) gets back the ones the shard holds.
    /// KEYS: shards (zset of last beats), infos (hash), settings (hash), each endpoint's bucket.
    /// ARGV: shard, info, forget after, n endpoints, n configured rates, then held name/value pairs.
    static let heartbeat = prelude + """
    local forget = tonumber(ARGV[3])
    local added = redis.call('ZADD', KEYS[1], now, ARGV[1])
    local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - forget)
    for _, id in ipairs(gone) do redis.call('HDEL', KEYS[2], id) end
    redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - forget)
    redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
    local n = tonumber(ARGV[4])
    if #ARGV > 4 + n and redis.call('EXISTS', KEYS[3]) == 0 then
      for i = 5 + n, #ARGV - 1, 2 do redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1]) end
    end
    for i = 1, 3 do redis.call('EXPIRE', KEYS[i], 86400) end
    local states = {}
    for i = 1, n do
      local limit, cool = inforce(KEYS[3 + i], tonumber(ARGV[4 + i]))
      states[#states + 1] = string.format('%.6f', limit)
      states[#states + 1] = string.format('%.6f', cool)
    end
    return {added, redis.call('ZCARD', KEYS[1]), redis.call('HGETALL', KEYS[3]), states}
    """

    /// Leases from several buckets at once, reaching at most `ARGV[1]` seconds ahead: nothing is
    /// saved up, so in any T seconds a bucket grants at most rate × T plus one lease.
    /// Per bucket (3 ARGV each): kind (`f` the fleet's rate, whose settings' `rate` replaces the
    /// one given; `r` an endpoint's requests; `t` its tokens, granted whole while the bucket is
    /// within the horizon, as one request of any size may start), the configured rate per second,
    /// and the tokens wanted. Returns per bucket `{granted, wait, rate in force, cool}`.
    /// KEYS: settings (hash), the buckets (hashes).
    static let lease = prelude + """
    local horizon = tonumber(ARGV[1])
    local out = {}
    for i = 2, #KEYS do
      local a = 2 + (i - 2) * 3
      local kind, rate, want = ARGV[a], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
      local cool, learned = 0, nil
      if kind == 'f' then
        local set = redis.call('HGET', KEYS[1], 'rate')
        if set then rate = tonumber(set) or rate end
      elseif kind == 'r' then
        rate, cool, learned = inforce(KEYS[i], rate)
      end
      local granted, wait = 0, 0
      if cool > 0 then
        wait = cool
      elseif rate <= 0 then
        granted = want
      else
        local tat = math.max(tonumber(redis.call('HGET', KEYS[i], 'tat') or '0') or 0, now)
        if kind == 't' then
          if tat - now <= horizon then granted = want else wait = tat - now - horizon end
        else
          granted = math.max(0, math.min(want, math.floor((now + horizon - tat) * rate + 0.000001)))
          if granted < want then wait = math.max(0, tat + (granted + 1) / rate - horizon - now) end
        end
        tat = tat + granted / rate
        redis.call('HSET', KEYS[i], 'tat', string.format('%.6f', tat))
        if kind == 'r' and learned and granted < want then
          -- Held back by a learned rate: it rises for the whole fleet, once a second.
          local b = redis.call('HMGET', KEYS[i], 'rise', 'ref')
          local rise = tonumber(b[1]) or now
          if now - rise >= 1 then
            local ref = tonumber(b[2]) or 2 * learned
            local nxt = learned + 0.01 * math.max(ref, learned) * math.min(now - rise, 2)
            local ceiling = least(tonumber(ARGV[a + 1]), tonumber(redis.call('HGET', KEYS[i], 'announced')))
            if ceiling and ceiling > 0 and nxt >= ceiling then redis.call('HDEL', KEYS[i], 'learned')
            else redis.call('HSET', KEYS[i], 'learned', string.format('%.6f', nxt)) end
            redis.call('HSET', KEYS[i], 'rise', string.format('%.6f', now))
          elseif not b[1] then
            redis.call('HSET', KEYS[i], 'rise', string.format('%.6f', now))
          end
        end
      end
      if kind == 'r' then
        redis.call('HINCRBY', KEYS[i], 'g', granted)
        if not redis.call('HGET', KEYS[i], 'gs') then redis.call('HSET', KEYS[i], 'gs', string.format('%.6f', now)) end
      end
      redis.call('EXPIRE', KEYS[i], 86400)
      out[#out + 1] = granted
      out[#out + 1] = string.format('%.6f', wait)
      out[#out + 1] = string.format('%.6f', rate)
      out[#out + 1] = string.format('%.6f', cool)
    end
    return out
    """

    /// What a shard saw of an endpoint, for the whole fleet. ARGV: the mode, the configured rate,
    /// then for `429`: seconds since the request was sent, Retry-After or '', '1' when the shard
    /// had an answer since its last 429 (a new run of 429s), and the fleet's pace there as this shard
    /// estimates it — the fleet's rate is cut once per run (to half the rate in force, else half
    /// of what the fleet was granted lately, else of the estimate) and the
    /// endpoint rests for every shard; for `announce`: the requests per second its headers allow
    /// (the learned rate's ceiling). Returns `{rate in force, cool}`.
    /// KEYS: the endpoint's bucket.
    static let learn = prelude + """
    local key = KEYS[1]
    local configured = tonumber(ARGV[2]) or 0
    if ARGV[1] == 'announce' then
      local announced = tonumber(ARGV[3]) or 0
      redis.call('HSET', key, 'announced', string.format('%.6f', announced))
      local learned = tonumber(redis.call('HGET', key, 'learned'))
      if learned and learned >= announced then redis.call('HDEL', key, 'learned') end
    else
      local sent = now - (tonumber(ARGV[3]) or 0)
      local b = redis.call('HMGET', key, 'lastcut', 'strikes', 'g', 'gs', 'cool')
      if sent >= (tonumber(b[1]) or -1) then
        local strikes = (tonumber(b[2]) or 0) + 1
        if ARGV[5] == '1' then strikes = 1 end
        if strikes == 1 then
          local current = inforce(key, configured)
          if current <= 0 then
            local since = tonumber(b[4]) or now
            if now - since >= 1 and (tonumber(b[3]) or 0) > 0 then current = tonumber(b[3]) / (now - since)
            else current = tonumber(ARGV[6]) or 0 end
          end
          if current > 0 then
            local cut = math.max(1 / 60, current * 0.5)
            redis.call('HSET', key, 'learned', string.format('%.6f', cut), 'ref', string.format('%.6f', 2 * cut), 'rise', string.format('%.6f', now))
          end
          redis.call('HSET', key, 'g', 0, 'gs', string.format('%.6f', now))
        end
        local pause = tonumber(ARGV[4]) or math.min(60, 2 ^ math.min(strikes - 1, 6))
        redis.call('HSET', key, 'lastcut', string.format('%.6f', now), 'strikes', strikes,
                   'cool', string.format('%.6f', math.max(tonumber(b[5]) or 0, now + pause)))
      end
    end
    redis.call('EXPIRE', key, 86400)
    local limit, cool = inforce(key, configured)
    return {string.format('%.6f', limit), string.format('%.6f', cool)}
    """

    /// The fleet's spend cap, leased in parts. KEYS: the spend hash (`committed`: every shard's
    /// leases, its spend before included; `shard:ID`: each shard's own). ARGV: the mode, the shard,
    /// the shard's own total (spend before and leases: added once when the store does not know the
    /// shard — it is new, or the store restarted empty), then for `take`: the cap and the dollars
    /// wanted (granted up to what the cap has left); for `give`: dollars handed back (a shard that
    /// ends). Returns `{granted, committed}`.
    static let budget = """
    local key, shard = KEYS[1], 'shard:' .. ARGV[2]
    if ARGV[1] ~= 'give' and redis.call('HEXISTS', key, shard) == 0 then
      local own = math.max(0, tonumber(ARGV[3]) or 0)
      redis.call('HINCRBYFLOAT', key, 'committed', string.format('%.12f', own))
      redis.call('HSET', key, shard, string.format('%.12f', own))
    end
    local committed = tonumber(redis.call('HGET', key, 'committed') or '0') or 0
    local granted = 0
    if ARGV[1] == 'take' then
      granted = math.max(0, math.min(tonumber(ARGV[5]) or 0, (tonumber(ARGV[4]) or 0) - committed))
    elseif ARGV[1] == 'give' then
      granted = -math.min(math.max(0, tonumber(ARGV[3]) or 0), tonumber(redis.call('HGET', key, shard) or '0') or 0)
    end
    if granted ~= 0 then
      committed = tonumber(redis.call('HINCRBYFLOAT', key, 'committed', string.format('%.12f', granted)))
      redis.call('HINCRBYFLOAT', key, shard, string.format('%.12f', granted))
    end
    redis.call('EXPIRE', key, 86400)
    return {string.format('%.12f', math.max(0, granted)), string.format('%.12f', committed)}
    """
}
