#!/usr/bin/env python3
"""Presigned paths for warmup-curves.sh: one file of 4 KiB PUT paths per 3-s window, signed before any server runs.

Usage: presign_windows.py HOST:PORT ACCESS SECRET OUTDIR WINDOWS PER_WINDOW

Writes OUTDIR/bucket.path (CreateBucket "warm") and OUTDIR/put-NN.paths: half new keys, half overwrites of 512
keys, as the benchmark's warm-up (S3Workloads.warmUpServer), and no key new in one window is reused by a later
one. Signed once (compat-tests/bench/cost/sigv4_presign.py: SigV4 query signing, UNSIGNED-PAYLOAD, valid 24 h) so that the measured server sees requests
from its first second on and no client-side work competes with it.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "compat-tests", "bench", "cost"))
from sigv4_presign import Presigner  # noqa: E402

host, access, secret, outdir, windows, per_window = sys.argv[1:7]
windows, per_window = int(windows), int(per_window)
path = Presigner(host, access, secret).path

with open(outdir + "/bucket.path", "w") as f:
    f.write(path("PUT", "/warm") + "\n")
k = 0
for w in range(windows):
    with open("%s/put-%02d.paths" % (outdir, w), "w") as f:
        for _ in range(per_window):
            name = "new/%d" % k if k % 2 == 0 else "over/%d" % (k % 512)
            f.write(path("PUT", "/warm/" + name) + "\n")
            k += 1
