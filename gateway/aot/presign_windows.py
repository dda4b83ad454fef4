#!/usr/bin/env python3
"""Presigned paths for warmup-curves.sh: one file of 4 KiB PUT paths per 3-s window, signed before any server runs.

Usage: presign_windows.py HOST:PORT ACCESS SECRET OUTDIR WINDOWS PER_WINDOW

Writes OUTDIR/bucket.path (CreateBucket "warm") and OUTDIR/put-NN.paths: half new keys, half overwrites of 512
keys, as the benchmark's warm-up (S3Workloads.warmUpServer), and no key new in one window is reused by a later
one. Signed once (SigV4 query signing, UNSIGNED-PAYLOAD, valid 24 h) so that the measured server sees requests
from its first second on and no client-side work competes with it.
"""
import datetime
import hashlib
import hmac
import sys
import urllib.parse

host, access, secret, outdir, windows, per_window = sys.argv[1:7]
windows, per_window = int(windows), int(per_window)
now = datetime.datetime.now(datetime.timezone.utc)
amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
scope = day + "/us-east-1/s3/aws4_request"
query = ("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + urllib.parse.quote(access + "/" + scope, safe="")
         + "&X-Amz-Date=" + amz_date + "&X-Amz-Expires=86400&X-Amz-SignedHeaders=host")
key = ("AWS4" + secret).encode()
for part in (day, "us-east-1", "s3", "aws4_request"):
    key = hmac.new(key, part.encode(), hashlib.sha256).digest()


def path(method, p):
    canonical = "\n".join([method, p, query, "host:" + host, "", "host", "UNSIGNED-PAYLOAD"])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    return p + "?" + query + "&X-Amz-Signature=" + hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


with open(outdir + "/bucket.path", "w") as f:
    f.write(path("PUT", "/warm") + "\n")
k = 0
for w in range(windows):
    with open("%s/put-%02d.paths" % (outdir, w), "w") as f:
        for _ in range(per_window):
            name = "new/%d" % k if k % 2 == 0 else "over/%d" % (k % 512)
            f.write(path("PUT", "/warm/" + name) + "\n")
            k += 1
