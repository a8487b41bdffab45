-- One request with a body, repeated, each body made unique: every "__N__" in BENCH_BODY becomes
-- <start>-<thread>-<count>, <start> the run's start in seconds (a warm-up lasts at least one second, so the
-- measured run after it sends other values); for writes whose field must be unique, e.g. an IDAH entry's
-- resource in its dataset.
-- Method and content type from BENCH_METHOD / BENCH_CONTENT_TYPE.
local method = os.getenv("BENCH_METHOD") or "POST"
local template = os.getenv("BENCH_BODY") or "{}"
local media = os.getenv("BENCH_CONTENT_TYPE") or "application/json"
local start = tostring(os.time())
local next_thread = 0
local sent = 0
local headers

function setup(thread)
  next_thread = next_thread + 1
  thread:set("thread_id", next_thread)
end

function request()
  if headers == nil then
    headers = {["Content-Type"] = media}
    for name, value in pairs(wrk.headers) do
      headers[name] = value
    end
  end
  sent = sent + 1
  local body = template:gsub("__N__", start .. "-" .. tostring(thread_id or 0) .. "-" .. tostring(sent))
  return wrk.format(method, wrk.path, headers, body)
end
