#!/usr/bin/env python3
"""Presigned paths for list-cpu.sh: the bench's versioned bucket, its fill PUTs and its ListObjectVersions pages.

Usage: list-presign.py ENDPOINT ACCESS SECRET OUTDIR PUTS
Creates the versioned bucket bench-versions (as S3Workloads.createVersionedBucket) and writes
  OUTDIR/fill.paths  PUTS presigned PUTs of the bench's keys v/0000..v/0999 in turn (each adds a version), and
  OUTDIR/list.paths  1000 presigned ListObjectVersions pages of max-keys=1000, the i-th starting after key v/%04d
                     (with key-marker only, so each page is a different 1000 versions without a marker chain).
"""
import datetime
import hashlib
import hmac
import sys
import urllib.parse

import boto3
from botocore.config import Config

endpoint, access, secret, outdir, puts = sys.argv[1:6]
puts = int(puts)
s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=access, aws_secret_access_key=secret,
                  region_name="us-east-1", config=Config(signature_version="s3v4", s3={"addressing_style": "path"},
                                                         request_checksum_calculation="when_required"))
bucket = "bench-versions"
try:
    s3.create_bucket(Bucket=bucket)
except s3.exceptions.BucketAlreadyOwnedByYou:
    pass
s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})

host = urllib.parse.urlsplit(endpoint).netloc
now = datetime.datetime.now(datetime.timezone.utc)
amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
scope = day + "/us-east-1/s3/aws4_request"
key = ("AWS4" + secret).encode()
for part in (day, "us-east-1", "s3", "aws4_request"):
    key = hmac.new(key, part.encode(), hashlib.sha256).digest()
q = lambda s: urllib.parse.quote(s, safe="-_.~")


def path(method, key_name, params):
    """SigV4 query signing; params are extra (name, value) query parameters."""
    p = "/" + bucket + ("/" + key_name if key_name else "")
    pairs = params + [("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
                      ("X-Amz-Credential", access + "/" + scope), ("X-Amz-Date", amz_date),
                      ("X-Amz-Expires", "86400"), ("X-Amz-SignedHeaders", "host")]
    query = "&".join(q(k) + "=" + q(v) for k, v in sorted(pairs))
    canonical = "\n".join([method, p, query, "host:" + host, "", "host", "UNSIGNED-PAYLOAD"])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    return p + "?" + query + "&X-Amz-Signature=" + hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


with open(outdir + "/fill.paths", "w") as f:
    for i in range(puts):
        f.write(path("PUT", "v/%04d" % (i % 1000), []) + "\n")
with open(outdir + "/list.paths", "w") as f:
    for i in range(1000):
        f.write(path("GET", "", [("versions", ""), ("max-keys", "1000"), ("key-marker", "v/%04d" % i)]) + "\n")
