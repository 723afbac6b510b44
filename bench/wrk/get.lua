-- GET of a fixed path (the proxy benchmark): the URL given to wrk is requested as is.
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")
if os.getenv("BENCH_TOKEN") then wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN") end
