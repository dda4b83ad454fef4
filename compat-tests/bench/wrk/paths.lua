-- wrk script: cycles through a file of request paths (presigned S3 URLs' path + query, or plain nginx paths).
-- Usage: wrk -t2 -c64 -d10s -s paths.lua http://127.0.0.1:PORT -- PATHS_FILE METHOD BODY_BYTES
-- Each thread takes every n-th path (thread i starts at path i), so PUTs of "new keys" do not collide between
-- threads; a thread that reaches the end of the list wraps around (the load generator sizes the list so that
-- it does not in one run).
local threads = {}
local next_id = 1

function setup(thread)
   thread:set("id", next_id)
   next_id = next_id + 1
   table.insert(threads, thread)
end

local paths = {}
local method
local body
local counter
local step

function init(args)
   for line in io.lines(args[1]) do
      paths[#paths + 1] = line
   end
   method = args[2]
   local n = tonumber(args[3] or "0")
   if n > 0 then
      body = string.rep("x", n)
   end
   counter = id
   step = tonumber(args[4] or "1")
end

function request()
   local path = paths[(counter - 1) % #paths + 1]
   counter = counter + step
   return wrk.format(method, path, nil, body)
end
