/// The Lua scripts the fleet store runs in Redis: each one step, atomic, timed by the server's clock
/// (`TIME`), so shards on machines whose clocks differ still share one bucket.
///
/// Loaded once per connection (`SCRIPT LOAD`) and called by their SHA1 (`EVALSHA`); a store that
/// restarted and forgot them answers NOSCRIPT, and they are loaded again.
enum FleetScripts {
    /// Registers a shard's heartbeat, forgets shards silent for `ARGV[3]` seconds, and returns
    /// `{added, shards alive, settings…}`. A store that lost the settings (restarted empty) gets
    /// back the ones the shard holds (`ARGV[4…]`, name/value pairs).
    /// KEYS: shards (zset of last beats), infos (hash), settings (hash).
    static let heartbeat = """
    local t = redis.call('TIME')
    local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
    local forget = tonumber(ARGV[3])
    local added = redis.call('ZADD', KEYS[1], now, ARGV[1])
    local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - forget)
    for _, id in ipairs(gone) do redis.call('HDEL', KEYS[2], id) end
    redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - forget)
    redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
    if #ARGV > 3 and redis.call('EXISTS', KEYS[3]) == 0 then
      for i = 4, #ARGV - 1, 2 do redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1]) end
    end
    for i = 1, 3 do redis.call('EXPIRE', KEYS[i], 86400) end
    return {added, redis.call('ZCARD', KEYS[1]), redis.call('HGETALL', KEYS[3])}
    """

    /// Leases up to `ARGV[2]` tokens of a GCRA bucket at `ARGV[1]` per second (the settings' `rate`
    /// replaces it when a `scope: fleet` command set one), reaching at most `ARGV[3]` seconds ahead:
    /// nothing is saved up, so the fleet sends at most rate × T plus one lease in any T seconds.
    /// Returns `{granted, seconds until the next token, rate in force}`.
    /// KEYS: settings (hash), the bucket (string: its theoretical arrival time).
    static let lease = """
    local t = redis.call('TIME')
    local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
    local rate = tonumber(ARGV[1])
    local set = redis.call('HGET', KEYS[1], 'rate')
    if set then rate = tonumber(set) or rate end
    local want = tonumber(ARGV[2])
    local horizon = tonumber(ARGV[3])
    if rate <= 0 then return {want, '0', tostring(rate)} end
    local tat = tonumber(redis.call('GET', KEYS[2]) or '0') or 0
    if tat < now then tat = now end
    local room = math.floor((now + horizon - tat) * rate + 0.000001)
    local granted = math.max(0, math.min(want, room))
    tat = tat + granted / rate
    redis.call('SET', KEYS[2], string.format('%.6f', tat), 'EX', 3600)
    local wait = 0
    if granted < want then wait = math.max(0, tat + 1 / rate - horizon - now) end
    return {granted, string.format('%.6f', wait), tostring(rate)}
    """
}
