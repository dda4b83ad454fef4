-- wrk script: cycles through a file of request paths (cycle.lua: presigned S3 URLs' path + query, or plain nginx
-- paths), each thread over its own share.
-- Usage: wrk -t2 -c64 -d10s -s paths.lua http://127.0.0.1:PORT -- PATHS_FILE METHOD BODY_BYTES THREADS
-- The load generator sizes the list of new keys so that a thread does not wrap around in one run.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "cycle.lua")

init = cycle_init
