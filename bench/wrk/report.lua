-- Shared by every wrk run of bench/run: one machine-readable line at the end, read by bench/run.
-- Latencies are wrk's own (microseconds), errors are every socket error and every non-2xx/3xx answer.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d errors=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
