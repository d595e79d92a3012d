-- The load generator of test/bench/vote-http.bench.ts when wrk (a C HTTP benchmark, 4.x) is on PATH.
--
-- Why it exists: the bench compares the app's vote with pgbench running the least work a vote
-- needs, and every process shares the machine's two cores. The bench's Node client (httpClient and
-- pool in compound.ts) spends 0.13-0.33 ms of CPU per vote, pgbench's C client 0.06 ms per
-- transaction: the Node client took CPU from the server and the database that pgbench's did not.
-- wrk sends the same votes from C (this script runs in LuaJIT), so both sides of the ratio are
-- loaded by a C client.
--
-- Run by the bench (not by hand: it needs the bench's seeded voters, poll and server) as
--   wrk -t T -c C -d <backstop> --timeout 10s -s test/bench/vote.wrk.lua http://127.0.0.1:PORT/ -- TOKENS POLL T C
-- TOKENS: a file of access tokens, one voter's per line; POLL: the poll's id. Each request is that
-- voter's first vote, as the Node client sends it: POST /api/polls/POLL/ballots with
-- Authorization: Bearer <token>, Content-Type: application/json, body {"choice":"agree"} (wrk adds
-- Host and Content-Length; HTTP/1.1 keeps the connection alive without a Connection header).
--
-- How the votes are counted, so that every request is a first vote of a distinct voter, nothing
-- else is ever sent, and each vote sent is answered before the thread stops:
--  * Each wrk thread has a Lua state of its own. Thread i (0-based, numbered in setup()) takes
--    lines i+1, i+1+T, i+1+2T, ... of TOKENS: n tokens, no two threads the same one.
--  * wrk calls request() whenever one of the thread's connections is ready to send: once per
--    connection when it has connected, then once after each response on that connection (one
--    request in flight per connection, no pipelining). It cannot be told "not now": it writes
--    whatever request() returns. Call k (k <= n) returns the vote of the thread's k-th token, so
--    `sent` counts votes sent and no token is sent twice.
--  * Once all n are sent, request() returns "" and wrk writes zero bytes: nothing reaches the
--    server, and that connection waits, idle, until the thread stops. No slack voters are
--    needed, and none would do: a spare vote sent after the thread's last real one would be cast
--    by the server while its answer might come after the thread stopped, uncounted, and the
--    ballots in the database would no longer equal the 201s counted (the bench checks that).
--  * Every response answers one vote sent, on its connection. When responses == n, every vote
--    has been answered and none is in flight: the thread stops (wrk.thread:stop()) and prints
--    "wrk-vote-done <i>". wrk's main thread would sleep out -d regardless, so the bench, having
--    seen all T lines, reads wrk's CPU from /proc and sends SIGINT; wrk then calls done() below.
--    (With n = 0 the thread stops at its first request().) If a vote is lost (a transport error:
--    wrk reconnects and asks request() again), responses never reach n and -d ends the run; the
--    bench reports the shortfall.
--  * Before thread 0 starts, wrk calls its request() once more from the main thread, only to
--    check the request parses (script_verify_request); nothing is sent. That call is told apart
--    by its OS thread (the one init() ran on) and returns the next vote without consuming it.
--
-- done() prints one line the bench parses: "wrk-vote-result " and JSON: responses per status
-- (counted in response(), per thread, summed), votes sent, wrk's transport errors, the duration
-- (first request of any thread to last response of any, monotonic clock) and p50/p99 latency in
-- microseconds. wrk "corrects" its latency histogram for coordinated omission before done()
-- (stats_correct: synthetic samples below each latency over twice the mean interval), which suits
-- a constant-rate load, not these closed-loop voters; the Node client reports raw latencies, so
-- done() undoes that correction and takes the percentiles of the recorded latencies (all
-- responses, whatever their status), checking the count; wrk's own p50/p99 are printed beside.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } vote_wrk_timespec;
  int clock_gettime(int clk_id, vote_wrk_timespec *tp);
  unsigned long pthread_self(void);
]]
local timespec = ffi.new("vote_wrk_timespec")
local function now_us()
  ffi.C.clock_gettime(1, timespec) -- CLOCK_MONOTONIC: the same clock in every thread
  return tonumber(timespec.tv_sec) * 1e6 + tonumber(timespec.tv_nsec) / 1e3
end

-- main Lua state (setup, done)
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

-- each thread's Lua state (init, request, response)
local votes = {}
local init_os_thread = nil

function init(args)
  local file, pid = args[1], args[2]
  local nthreads = tonumber(args[3])
  connections = tonumber(args[4])
  init_os_thread = tonumber(ffi.C.pthread_self())
  local line = 0
  for token in io.lines(file) do
    if token ~= "" then
      if line % nthreads == id then
        local headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
        votes[#votes + 1] = wrk.format("POST", "/api/polls/" .. pid .. "/ballots", headers, '{"choice":"agree"}')
      end
      line = line + 1
    end
  end
  quota = #votes
  sent = 0
  responses = 0
  statuses = {}
  t_first = -1
  t_last = -1
  finished = false
end

local function finish()
  finished = true
  t_last = now_us()
  wrk.thread:stop()
  io.stdout:write(string.format("wrk-vote-done %d\n", id))
  io.stdout:flush()
end

function request()
  if tonumber(ffi.C.pthread_self()) == init_os_thread then
    -- wrk checking that the request parses, from the main thread: nothing is sent
    return votes[sent + 1] or votes[1] or wrk.format("POST", "/")
  end
  if sent < quota then
    if sent == 0 then t_first = now_us() end
    sent = sent + 1
    return votes[sent]
  end
  if responses == sent and not finished then finish() end -- only with no token at all
  return ""
end

function response(status, headers, body)
  responses = responses + 1
  statuses[status] = (statuses[status] or 0) + 1
  if responses == quota and not finished then finish() end
end

-- The histogram of recorded latencies before wrk's stats_correct(h, interval), which, for each
-- latency n >= 2 * interval (ascending; each bucket's count read before lower ones are changed),
-- added its count to n - interval, n - 2 * interval, ... while above interval. Undone from the
-- top bucket down. latency(i) is the i-th non-empty bucket: value (us) and count.
local function uncorrected(latency, interval)
  local values, counts = {}, {}
  for i = 1, #latency do
    values[i], counts[i] = latency(i)
  end
  local index = {}
  for i, v in ipairs(values) do index[v] = i end
  local original, total = {}, 0
  for i = #values, 1, -1 do
    local n, count = values[i], counts[i]
    if count < 0 then return nil end
    original[i] = count
    total = total + count
    if interval > 0 and n >= 2 * interval then
      local m = n - interval
      while m > interval do
        local j = index[m]
        if j == nil then return nil end
        counts[j] = counts[j] - count
        m = m - interval
      end
    end
  end
  return values, original, total
end

local function percentile(values, counts, total, p)
  -- the Node side's definition: the ceil(p% of n)-th smallest
  local rank = math.max(1, math.ceil(p / 100 * total))
  local seen = 0
  for i = 1, #values do
    seen = seen + counts[i]
    if seen >= rank then return values[i] end
  end
  return -1
end

function done(summary, latency, requests)
  local statuses, sent, responses, first, last, connections = {}, 0, 0, nil, nil, 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      local key = tostring(status)
      statuses[key] = (statuses[key] or 0) + n
    end
    sent = sent + thread:get("sent")
    responses = responses + thread:get("responses")
    local t0, t1 = thread:get("t_first"), thread:get("t_last")
    if t0 >= 0 and (first == nil or t0 < first) then first = t0 end
    if t1 >= 0 and (last == nil or t1 > last) then last = t1 end
    connections = thread:get("connections")
  end
  -- as wrk computed it (integer division, uint64): runtime / (completed / connections)
  local per_connection = math.floor(summary.requests / connections)
  local interval = per_connection > 0 and math.floor(summary.duration / per_connection) or 0
  local values, counts, recorded = uncorrected(latency, interval)
  local expected = summary.requests - summary.errors.timeout
  local p50, p99, raw = -1, -1, true
  if values and recorded == expected then
    p50 = percentile(values, counts, recorded, 50)
    p99 = percentile(values, counts, recorded, 99)
  else
    raw = false -- the histogram was not what this script expects of wrk 4.x: wrk's own figures
    p50, p99 = latency:percentile(50), latency:percentile(99)
  end
  local parts = {}
  for key, n in pairs(statuses) do parts[#parts + 1] = string.format('"%s":%d', key, n) end
  local e = summary.errors
  io.stdout:write(string.format(
    'wrk-vote-result {"statuses":{%s},"sent":%d,"responses":%d,"durationUs":%.0f,"wrkDurationUs":%d,' ..
    '"p50Us":%d,"p99Us":%d,"raw":%s,"recorded":%d,"wrkP50Us":%d,"wrkP99Us":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    table.concat(parts, ","), sent, responses, (first and last) and (last - first) or -1, summary.duration,
    p50, p99, tostring(raw), recorded or -1, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
  io.stdout:flush()
end
