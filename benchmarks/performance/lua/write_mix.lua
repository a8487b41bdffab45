-- The write mix: create an explorational annotation, then finish it; request a task instance, then
-- cancel it (DELETE /annotations/Task/{id}: the instance goes back to the task, so the pool never
-- runs dry however long the run is). The token (-H X-Auth-Token) must be an admin's: admins have no
-- limit on open tasks and may cancel.
--
-- A wrk thread has one Lua state shared by its connections, and response() is not told which
-- request it answers. So response() classifies the body ("state":"Active" with "typ":"Explorational"
-- or "typ":"Task"), takes the annotation id (the first "id" of the body) and queues the follow-up;
-- request() sends a queued follow-up first, else alternates the two creating requests. Anything
-- the chain gets wrong (a wrong id) shows up as non-2xx answers in wrk's report.
--
-- Environment: BENCH_CREATE_PATH (…/createExplorational), BENCH_CREATE_BODY (the v5 layer array),
-- BENCH_API (e.g. /api/v5), BENCH_TASKS ("1": include task requests).

local api = os.getenv("BENCH_API") or "/api/v5"
local create_path = os.getenv("BENCH_CREATE_PATH")
local create_body = os.getenv("BENCH_CREATE_BODY") or '[{"typ":"Skeleton"}]'
local with_tasks = os.getenv("BENCH_TASKS") == "1"

-- wrk.format() uses the headers it is given instead of wrk.headers (where -H puts the token)
local function with_json(headers)
  local merged = {["Content-Type"] = "application/json"}
  for name, value in pairs(headers) do
    merged[name] = value
  end
  return merged
end
local json

local to_finish, to_cancel = {}, {}
local turn = 0
counts = {create = 0, finish = 0, request = 0, cancel = 0, unparsed = 0, failed = 0}

local function send(kind, method, path, body)
  counts[kind] = counts[kind] + 1
  if body == nil then
    return wrk.format(method, path)
  end
  json = json or with_json(wrk.headers)
  return wrk.format(method, path, json, body)
end

function request()
  if #to_finish > 0 then
    return send("finish", "PATCH", api .. "/annotations/Explorational/" .. table.remove(to_finish) .. "/finish?timestamp=0")
  end
  if #to_cancel > 0 then
    return send("cancel", "DELETE", api .. "/annotations/Task/" .. table.remove(to_cancel))
  end
  turn = turn + 1
  if with_tasks and turn % 2 == 0 then
    return send("request", "POST", api .. "/user/tasks/request", nil)
  end
  return send("create", "POST", create_path, create_body)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    counts.failed = counts.failed + 1
    return
  end
  if not body:find('"state"%s*:%s*"Active"') then
    return
  end
  local id = body:match('"id"%s*:%s*"(%x+)"')
  if id == nil then
    counts.unparsed = counts.unparsed + 1
  elseif body:find('"typ"%s*:%s*"Explorational"') then
    table.insert(to_finish, id)
  elseif body:find('"typ"%s*:%s*"Task"') then
    table.insert(to_cancel, id)
  end
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for kind, n in pairs(thread:get("counts")) do
      total[kind] = (total[kind] or 0) + n
    end
  end
  local parts = {}
  for kind, n in pairs(total) do
    table.insert(parts, string.format('"%s": %d', kind, n))
  end
  table.sort(parts)
  io.write("BENCH {" .. table.concat(parts, ", ") .. "}\n")
end
