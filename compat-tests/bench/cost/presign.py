#!/usr/bin/env python3
"""Presigned request paths for wrk (cost.sh): creates the bucket, writes GET objects, prints path files.

Usage: presign.py ENDPOINT ACCESS SECRET OUTDIR PUTS GETS SIZE
Writes OUTDIR/put.paths (PUTS new keys) and OUTDIR/get.paths (GETS reads over 1000 objects written here).
"""
import datetime
import hashlib
import hmac
import sys
import urllib.parse

import boto3
from botocore.config import Config

endpoint, access, secret, outdir, puts, gets, size = sys.argv[1:8]
puts, gets, size = int(puts), int(gets), int(size)
s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=access, aws_secret_access_key=secret,
                  region_name="us-east-1", config=Config(signature_version="s3v4", s3={"addressing_style": "path"},
                                                         request_checksum_calculation="when_required"))
bucket = "cost"
try:
    s3.create_bucket(Bucket=bucket)
except s3.exceptions.BucketAlreadyOwnedByYou:
    pass
body = b"x" * size
for i in range(1000):
    s3.put_object(Bucket=bucket, Key="g/%04d" % i, Body=body)


host = urllib.parse.urlsplit(endpoint).netloc
now = datetime.datetime.now(datetime.timezone.utc)
amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
scope = day + "/us-east-1/s3/aws4_request"
query = ("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + urllib.parse.quote(access + "/" + scope, safe="")
         + "&X-Amz-Date=" + amz_date + "&X-Amz-Expires=86400&X-Amz-SignedHeaders=host")
key = ("AWS4" + secret).encode()
for part in (day, "us-east-1", "s3", "aws4_request"):
    key = hmac.new(key, part.encode(), hashlib.sha256).digest()


def path(method, key_name):
    """SigV4 query signing (as boto3's generate_presigned_url, which is too slow for 10^5 URLs)."""
    p = "/" + bucket + "/" + key_name
    canonical = "\n".join([method, p, query, "host:" + host, "", "host", "UNSIGNED-PAYLOAD"])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    return p + "?" + query + "&X-Amz-Signature=" + hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


with open(outdir + "/put.paths", "w") as f:
    for i in range(puts):
        f.write(path("PUT", "p/%08d" % i) + "\n")
with open(outdir + "/get.paths", "w") as f:
    for i in range(gets):
        f.write(path("GET", "g/%04d" % (i % 1000)) + "\n")
