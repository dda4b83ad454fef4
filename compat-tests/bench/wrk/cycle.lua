-- Shared by paths.lua and fill.lua (each loads it with dofile from its own directory): every thread cycles
-- through a file of request paths (presigned S3 URLs' path + query, or plain nginx paths).
-- Script arguments: PATHS_FILE METHOD BODY_BYTES THREADS (then the script's own).
-- Each thread takes every n-th path (thread i starts at path i, n = THREADS), so PUTs of "new keys" do not collide
-- between threads; a thread that reaches the end of the list wraps around.
local next_id = 1

function setup(thread)
   thread:set("id", next_id)
   next_id = next_id + 1
end

local paths = {}
local method
local body
local counter
local step

function cycle_init(args)
   for line in io.lines(args[1]) do
      paths[#paths + 1] = line
   end
   method = args[2]
   local n = tonumber(args[3] or "0")
   -- a PUT gets a body even of 0 bytes ("", not nil: wrk.format sends Content-Length only for a body, and a PUT
   -- without one is a 411); a GET none
   if n > 0 or method == "PUT" then
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
