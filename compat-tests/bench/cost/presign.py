#!/usr/bin/env python3
"""Presigned request paths for wrk (cost.sh): creates the bucket, writes GET objects, prints path files.

Usage: presign.py ENDPOINT ACCESS SECRET OUTDIR PUTS GETS SIZE
Writes OUTDIR/put.paths (PUTS new keys) and OUTDIR/get.paths (GETS reads over 1000 objects written here).
"""
import sys
import urllib.parse

import s3setup
from sigv4_presign import Presigner

endpoint, access, secret, outdir, puts, gets, size = sys.argv[1:8]
puts, gets, size = int(puts), int(gets), int(size)
s3 = s3setup.client(endpoint, access, secret)
bucket = "cost"
s3setup.create_bucket(s3, bucket)
body = b"x" * size
for i in range(1000):
    s3.put_object(Bucket=bucket, Key="g/%04d" % i, Body=body)


signer = Presigner(urllib.parse.urlsplit(endpoint).netloc, access, secret)


def path(method, key_name):
    return signer.path(method, "/" + bucket + "/" + key_name)


with open(outdir + "/put.paths", "w") as f:
    for i in range(puts):
        f.write(path("PUT", "p/%08d" % i) + "\n")
with open(outdir + "/get.paths", "w") as f:
    for i in range(gets):
        f.write(path("GET", "g/%04d" % (i % 1000)) + "\n")
