-- wrk script: each request GETs a path drawn at random from a file of paths
-- (one per line; a path listed twice is drawn twice as often).
--   wrk ... -s bench/wrk/paths.lua http://127.0.0.1:PORT -- PATHS_FILE [SEED]
-- At the end it prints one line, "WRK_JSON {...}", that bench/run.py reads.
local threads = {}
local paths = {}
local n = 0

function setup(thread)
  thread:set("thread_number", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      n = n + 1
      paths[n] = line
    end
  end
  local seed = tonumber(args[2] or "1") or 1
  math.randomseed(seed * 7919 + (thread_number or 0) * 104729)
end

function request()
  return wrk.format("GET", paths[math.random(n)])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
