-- One kind of request for bench/http.py: the method, headers and body come from the
-- environment; done() prints one JSON line with the count, errors and latency percentiles.
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
local cookie = os.getenv("BENCH_COOKIE")
local auth = os.getenv("BENCH_AUTH")

request = function()
  local headers = {}
  if cookie and cookie ~= "" then headers["Cookie"] = cookie end
  if auth and auth ~= "" then headers["Authorization"] = auth end
  if body and body ~= "" then headers["Content-Type"] = "application/json" end
  return wrk.format(method, nil, headers, (body ~= "" and body) or nil)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "errors": %d, "status_errors": %d, "p50": %d, "p95": %d, "p99": %d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
