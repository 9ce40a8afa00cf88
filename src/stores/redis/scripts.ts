/**
 * Lua scripts: each runs atomically in Redis, so instances sharing a store never interleave a read and a write.
 * Time comes from the Redis server (TIME), one clock for every instance. Loaded with EVALSHA, falling back to EVAL
 * when the server does not know the script yet (NOSCRIPT: after a restart or SCRIPT FLUSH).
 */
import { createHash } from 'node:crypto';
import type { RedisCommander } from './adapter.js';

export interface Script {
  readonly source: string;
  readonly sha: string;
}

const script = (source: string): Script => ({ source, sha: createHash('sha1').update(source).digest('hex') });

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/** GCRA, the same arithmetic as src/limiter/gcra.ts. KEYS: bucket. ARGV: max, windowMs. → {allowed, remaining, resetMs, retryAfterMs} */
export const CONSUME = script(`${NOW}
local max = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local interval = window / max
local tat = now
local stored = redis.call('GET', KEYS[1])
if stored then
  local v = tonumber(stored)
  if v and v > now then tat = v end
end
local nxt = tat + interval
local allowAt = nxt - window
if allowAt > now then
  return {0, 0, tostring(tat - now), tostring(allowAt - now)}
end
redis.call('SET', KEYS[1], tostring(nxt), 'PX', math.ceil(nxt - now) + 1)
local remaining = math.floor((now - allowAt) / interval + 1e-9)
if remaining > max - 1 then remaining = max - 1 end
return {1, remaining, tostring(nxt - now), '0'}
`);

/**
 * A jail failure. KEYS: failure log (a list of "time:weight"). ARGV: weight, maxRetry, findTimeMs.
 * → 1 when the weights within findTime reach maxRetry (the log is then cleared: one caller wins), else 0.
 */
export const FAIL = script(`${NOW}
local weight = tonumber(ARGV[1])
local maxRetry = tonumber(ARGV[2])
local findTime = tonumber(ARGV[3])
local items = redis.call('LRANGE', KEYS[1], 0, -1)
local keep = {}
local sum = weight
for _, item in ipairs(items) do
  local sep = string.find(item, ':', 1, true)
  if sep then
    local at = tonumber(string.sub(item, 1, sep - 1))
    local w = tonumber(string.sub(item, sep + 1))
    if at and w and at > now - findTime then
      sum = sum + w
      keep[#keep + 1] = item
    end
  end
end
redis.call('DEL', KEYS[1])
if sum >= maxRetry then return 1 end
keep[#keep + 1] = now .. ':' .. weight
redis.call('RPUSH', KEYS[1], unpack(keep))
redis.call('LTRIM', KEYS[1], -maxRetry, -1)
redis.call('PEXPIRE', KEYS[1], findTime)
return 0
`);

/** KEYS: history counter. ARGV: historyMs. → the offence number of the ban being made (1 = first). */
export const OFFENCE = script(`local n = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return n
`);

/** KEYS: ban, history. ARGV: entry JSON, ttlMs (-1 permanent), historyMs, channel, message. */
export const BAN = script(`local ttl = tonumber(ARGV[2])
if ttl < 0 then
  redis.call('SET', KEYS[1], ARGV[1])
  redis.call('PERSIST', KEYS[2])
else
  redis.call('SET', KEYS[1], ARGV[1], 'PX', math.max(1, ttl))
  local keep = math.max(tonumber(ARGV[3]), ttl)
  if redis.call('PTTL', KEYS[2]) >= 0 then redis.call('PEXPIRE', KEYS[2], keep) end
end
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
`);

/** KEYS: ban, history. ARGV: channel, message. → 1 when a ban was active. */
export const UNBAN = script(`local n = redis.call('DEL', KEYS[1])
redis.call('DEL', KEYS[2])
redis.call('PUBLISH', ARGV[1], ARGV[2])
return n
`);

/** Runs a script by its SHA, loading it with EVAL when Redis does not have it. */
export async function runScript(redis: RedisCommander, s: Script, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
  try {
    return await redis.send(['EVALSHA', s.sha, keys.length, ...keys, ...args]);
  } catch (err) {
    if (!/NOSCRIPT/.test(String((err as Error)?.message ?? err))) throw err;
    return redis.send(['EVAL', s.source, keys.length, ...keys, ...args]);
  }
}
