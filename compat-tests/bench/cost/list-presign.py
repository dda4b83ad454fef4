#!/usr/bin/env python3
"""Presigned paths for list-cpu.sh: the bench's versioned bucket, its fill PUTs and its ListObjectVersions pages.

Usage: list-presign.py ENDPOINT ACCESS SECRET OUTDIR PUTS
Creates the versioned bucket bench-versions (as S3Workloads.createVersionedBucket) and writes
  OUTDIR/fill.paths  PUTS presigned PUTs of the bench's keys v/0000..v/0999 in turn (each adds a version), and
  OUTDIR/list.paths  1000 presigned ListObjectVersions pages of max-keys=1000, the i-th starting after key v/%04d
                     (with key-marker only, so each page is a different 1000 versions without a marker chain).
"""
import sys
import urllib.parse

import boto3
from botocore.config import Config

from sigv4_presign import Presigner

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

signer = Presigner(urllib.parse.urlsplit(endpoint).netloc, access, secret)


def path(method, key_name, params):
    """params are extra (name, value) query parameters."""
    return signer.path(method, "/" + bucket + ("/" + key_name if key_name else ""), params)


with open(outdir + "/fill.paths", "w") as f:
    for i in range(puts):
        f.write(path("PUT", "v/%04d" % (i % 1000), []) + "\n")
with open(outdir + "/list.paths", "w") as f:
    for i in range(1000):
        f.write(path("GET", "", [("versions", ""), ("max-keys", "1000"), ("key-marker", "v/%04d" % i)]) + "\n")
