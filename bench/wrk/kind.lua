-- One kind of request for bench/http.py: the method, headers and body come from the
-- environment; done() prints one JSON line with the count, errors and latency percentiles.
-- BENCH_PATHS, a file of paths one a line, spreads the requests over them at random, each
-- with a client address of its own (X-Forwarded-For, for a server behind one proxy).
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
local cookie = os.getenv("BENCH_COOKIE")
local auth = os.getenv("BENCH_AUTH")
local paths = {}
local spread = os.getenv("BENCH_PATHS")
if spread and spread ~= "" then
  for line in io.lines(spread) do paths[#paths + 1] = line end
end

init = function(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

request = function()
  local headers, path = {}, nil
  if #paths > 0 then
    path = paths[math.random(1, #paths)]
    headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255),
                                               math.random(1, 254))
  end
  if cookie and cookie ~= "" then headers["Cookie"] = cookie end
  if auth and auth ~= "" then headers["Authorization"] = auth end
  if body and body ~= "" then headers["Content-Type"] = "application/json" end
  return wrk.format(method, path, headers, (body ~= "" and body) or nil)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "errors": %d, "status_errors": %d, "p50": %d, "p95": %d, "p99": %d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
