-- wrk script for filling, not measuring: cycles through a file of request paths like paths.lua, and each thread
-- stops once it has had QUOTA responses (so a fill of N requests is N plus at most the connections in flight).
-- A stopped thread creates the file DONE_PREFIX<thread number>: wrk itself waits out its -d duration, so the caller
-- watches for the THREADS files and then sends wrk SIGINT, on which it prints its summary and exits.
-- Usage: wrk -t2 -c64 -d600s -s fill.lua http://127.0.0.1:PORT -- PATHS_FILE METHOD BODY_BYTES THREADS QUOTA DONE_PREFIX
-- wrk prints the usual summary; its "requests" figure counts the responses read, non-2xx ones included.
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
local quota
local done = 0
local done_prefix

function init(args)
   for line in io.lines(args[1]) do
      paths[#paths + 1] = line
   end
   method = args[2]
   local n = tonumber(args[3] or "0")
   -- "" for 0 bytes, not nil: wrk.format sends Content-Length only for a body (a PUT without one is a 411)
   body = string.rep("x", n)
   counter = id
   step = tonumber(args[4] or "1")
   quota = tonumber(args[5] or "0")
   done_prefix = args[6]
end

function request()
   local path = paths[(counter - 1) % #paths + 1]
   counter = counter + step
   return wrk.format(method, path, nil, body)
end

function response(status, headers, body)
   done = done + 1
   if quota > 0 and done == quota then
      if done_prefix then
         local f = io.open(done_prefix .. id, "w")
         if f then f:close() end
      end
      wrk.thread:stop()
   end
end
