package bus

import "github.com/redis/go-redis/v9"

// appendScript appends one segment to px:seg:{id} and keeps px:init:{id}
// and px:meta:{id} beside it, atomically, so the keyframe id a joiner reads
// always names an entry of the stream.
//
// KEYS: seg, meta, init. ARGV: window ms, maxlen cap, kind, seq,
// generation, flags, time, duration, bytes, epoch.
//
//   - Fencing: an epoch older than the meta's is refused with FENCED.
//   - Trimming: MINID ~ (Redis time - window), but never past the latest
//     keyframe entry, so a GOP longer than the window stays joinable; the
//     MAXLEN ~ cap is only a safety net against a runaway writer.
//   - Resume point: meta's seq is the highest media sequence appended, so
//     a node the Sentinel reconnects to after its node died welcomes it
//     with next = seq+1 (see Cluster.LastSeq). It is written under the
//     same fence, so a fenced writer cannot move it.
//   - An init entry becomes the join point itself (kf = its id): a joiner
//     after a generation change starts at the new init, never at media of
//     the old generation.
var appendScript = redis.NewScript(`
local epoch = tonumber(ARGV[10])
if epoch > 0 then
  local cur = tonumber(redis.call('HGET', KEYS[2], 'epoch') or '0')
  if cur > epoch then return redis.error_reply('FENCED epoch ' .. cur) end
end
local t = redis.call('TIME')
local minid = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - tonumber(ARGV[1])
local kf = redis.call('HGET', KEYS[2], 'kf')
if kf then
  local kfms = tonumber(string.match(kf, '^(%d+)'))
  if kfms and kfms < minid then minid = kfms end
end
if minid < 0 then minid = 0 end
local id = redis.call('XADD', KEYS[1], 'MINID', '~', minid, '*',
  'k', ARGV[3], 'q', ARGV[4], 'g', ARGV[5], 'f', ARGV[6], 't', ARGV[7], 'd', ARGV[8], 'b', ARGV[9])
redis.call('XTRIM', KEYS[1], 'MAXLEN', '~', ARGV[2])
if ARGV[3] == '1' then
  redis.call('SET', KEYS[3], ARGV[9])
  redis.call('HSET', KEYS[2], 'gen', ARGV[5], 'kf', id)
else
  local last = tonumber(redis.call('HGET', KEYS[2], 'seq') or '-1')
  if tonumber(ARGV[4]) > last then redis.call('HSET', KEYS[2], 'seq', ARGV[4]) end
  if tonumber(ARGV[6]) % 2 == 1 then redis.call('HSET', KEYS[2], 'kf', id) end
end
return id
`)
