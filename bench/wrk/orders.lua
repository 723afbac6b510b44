-- POST /api/orders, each with its own Idempotency-Key (so every request is a new order), for a user
-- and a product taken round robin from $BENCH_ORDER_USERS and $BENCH_ORDER_SKUS (one per line).
-- An answer other than 201 CONFIRMED (202 still pending, 201 REJECTED...) counts as unexpected.
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")

local function lines(path)
  local list = {}
  for line in io.lines(path) do
    if line ~= "" then list[#list + 1] = line end
  end
  return list
end

local users = lines(os.getenv("BENCH_ORDER_USERS"))
local skus = lines(os.getenv("BENCH_ORDER_SKUS"))
local run = os.getenv("BENCH_RUN_ID") or tostring(os.time())
local counter = 0
unexpected = 0

function request()
  counter = counter + 1
  local user = users[counter % #users + 1]
  local sku = skus[counter % #skus + 1]
  local body = string.format('{"userId":"%s","items":[{"sku":"%s","quantity":1}]}', user, sku)
  local headers = {
    ["Content-Type"] = "application/json",
    -- thread_tag is set per thread by report.lua's setup, so keys never collide across threads
    ["Idempotency-Key"] = run .. "-" .. (thread_tag or "1") .. "-" .. counter,
    ["Authorization"] = "Bearer " .. (os.getenv("BENCH_TOKEN") or ""),
  }
  return wrk.format("POST", "/api/orders", headers, body)
end

function response(status, headers, body)
  if status ~= 201 or not string.find(body, '"status":"CONFIRMED"', 1, true) then
    unexpected = unexpected + 1
  end
end
