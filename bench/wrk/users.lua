-- GET /api/users/:id over a list of existing ids (one per line in $BENCH_USER_IDS), round robin,
-- so the read path is measured on real rows rather than one cached answer.
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")
if os.getenv("BENCH_TOKEN") then wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN") end

local ids = {}
for line in io.lines(os.getenv("BENCH_USER_IDS")) do
  if line ~= "" then ids[#ids + 1] = line end
end
local next_id = math.random(#ids)

function request()
  next_id = next_id % #ids + 1
  return wrk.format("GET", "/api/users/" .. ids[next_id])
end
