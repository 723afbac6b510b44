-- Shared by every wrk run of bench/run: one machine-readable line at the end, read by bench/run.
-- Latencies are wrk's own (microseconds), errors are every socket error and every non-2xx/3xx answer.
-- A script may count answers that are 2xx but still not what was asked for (`unexpected` per thread).
local all_threads = {}

function setup(thread)
  all_threads[#all_threads + 1] = thread
  thread:set("thread_tag", tostring(#all_threads))
end

function done(summary, latency, requests)
  local e = summary.errors
  local unexpected = 0
  for _, thread in ipairs(all_threads) do
    unexpected = unexpected + (tonumber(thread:get("unexpected")) or 0)
  end
  io.write(string.format("BENCH requests=%d duration_us=%d errors=%d p50_us=%d p99_us=%d unexpected=%d\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99), unexpected))
end
