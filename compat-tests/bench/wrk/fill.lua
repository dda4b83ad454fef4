-- wrk script for filling, not measuring: cycles through a file of request paths as paths.lua (cycle.lua), and
-- each thread stops once it has had QUOTA responses (so a fill of N requests is N plus at most the connections in
-- flight). A stopped thread creates the file DONE_PREFIX<thread number>: wrk itself waits out its -d duration, so
-- the caller watches for the THREADS files and then sends wrk SIGINT, on which it prints its summary and exits.
-- Usage: wrk -t2 -c64 -d600s -s fill.lua http://127.0.0.1:PORT -- PATHS_FILE METHOD BODY_BYTES THREADS QUOTA DONE_PREFIX
-- wrk prints the usual summary; its "requests" figure counts the responses read, non-2xx ones included.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "cycle.lua")

local quota
local done = 0
local done_prefix

function init(args)
   cycle_init(args)
   quota = tonumber(args[5] or "0")
   done_prefix = args[6]
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
