-- wrk script for the token benchmarks. Configured from the environment:
--   BENCH_METHOD     the method (default POST)
--   BENCH_AUTH       an Authorization header value sent on every request ("Basic ...")
--   BENCH_AUTH_FILE  instead: a file of Authorization header values, one a line; each request
--                    takes the next one (round-robin), to spread requests over many clients
--   BENCH_BODY       the request body (form-encoded); empty: no body and no Content-Type
--   BENCH_BODY_FILE  instead: a file of bodies, one a line, taken in turn (e.g. introspection of
--                    many different tokens)
--   BENCH_DPOP_FILE  a file of DPoP proofs, one a line, one per request in turn (each is good once)
-- The path comes from the URL on wrk's command line; extra headers (Connection: close) from -H.
-- done() prints one machine-readable line, "BENCH_RESULT {json}", that bench/run.sh collects.

wrk.method = os.getenv("BENCH_METHOD") or "POST"
local body = os.getenv("BENCH_BODY") or ""
if body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
local auth = os.getenv("BENCH_AUTH") or ""
if auth ~= "" then
  wrk.headers["Authorization"] = auth
end

local body_file = os.getenv("BENCH_BODY_FILE") or ""
if body_file ~= "" then
  local requests, n = {}, 0
  function init(args)
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
    for line in io.lines(body_file) do
      if line ~= "" then
        n = n + 1
        requests[n] = wrk.format(nil, nil, nil, line)
      end
    end
    assert(n > 0, "no bodies in " .. body_file)
  end
  local i = 0
  function request()
    i = i % n + 1
    return requests[i]
  end
end

-- A header whose value comes from a file, one a line: one request pre-formatted per line at init,
-- handed out in turn (each line good once: an Authorization per client, a DPoP proof).
local function header_per_line(file, header)
  local requests, n = {}, 0
  function init(args)
    for line in io.lines(file) do
      if line ~= "" then
        wrk.headers[header] = line
        n = n + 1
        requests[n] = wrk.format()
      end
    end
    assert(n > 0, "no " .. header .. " lines in " .. file)
  end
  local i = 0
  function request()
    i = i % n + 1
    return requests[i]
  end
end

local auth_file = os.getenv("BENCH_AUTH_FILE") or ""
if auth_file ~= "" then header_per_line(auth_file, "Authorization") end
local dpop_file = os.getenv("BENCH_DPOP_FILE") or ""
if dpop_file ~= "" then header_per_line(dpop_file, "DPoP") end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"rps":%.1f,"p50_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"non2xx":%d,"err_connect":%d,"err_read":%d,"err_write":%d,"err_timeout":%d}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
