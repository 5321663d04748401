-- wrk script: cycle through pre-generated POST /v1/routes bodies (one Lua state per thread).
local bodies = dofile(os.getenv("WRK_BODIES"))
local n = #bodies
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function init(args)
  i = math.random(n)  -- threads start at different queries
end

function request()
  i = i % n + 1
  return wrk.format(nil, nil, nil, bodies[i])
end
