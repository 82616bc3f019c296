-- A wrk script: each request asks for a path drawn at random from a file of paths, one per
-- line (e.g. `/open311/v2/requests/K7MP9QX4T.json` for a thousand tracking numbers), so
-- that a load is spread over many reports instead of one kept hot.
--
-- Usage: PATHS=/tmp/paths.txt wrk -t2 -c64 -d10s --latency -s scripts/wrk-paths.lua http://127.0.0.1:8111
local paths = {}

local file = assert(io.open(os.getenv("PATHS") or "paths.txt", "r"), "set PATHS to a file of paths")
for line in file:lines() do
    if #line > 0 then
        paths[#paths + 1] = line
    end
end
file:close()
assert(#paths > 0, "the PATHS file holds no path")

math.randomseed(os.time())

request = function()
    return wrk.format("GET", paths[math.random(#paths)])
end
