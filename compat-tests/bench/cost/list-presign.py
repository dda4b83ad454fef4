#!/usr/bin/env python3
"""Presigned paths for list-cpu.sh: the bench's versioned bucket, its fill PUTs and its ListObjectVersions pages;
and the bucket's count over raw pages.

Usage: list-presign.py ENDPOINT ACCESS SECRET OUTDIR PUTS
Creates the versioned bucket bench-versions (as S3Workloads.createVersionedBucket) and writes
  OUTDIR/fill.paths  PUTS presigned PUTs of the bench's keys v/0000..v/0999 in turn (each adds a version), and
  OUTDIR/list.paths  1000 presigned ListObjectVersions pages of max-keys=1000, the i-th starting after key v/%04d
                     (with key-marker only, so each page is a different 1000 versions without a marker chain).
Usage: list-presign.py --count ENDPOINT ACCESS SECRET
Prints the bucket's versions and delete markers, counted as the bench counts them (RawListPages.countAll): the
chain of pages of 1000 from the first, each a presigned GET whose body is searched for the <Version> and
<DeleteMarker> elements and the next markers, not parsed (boto3's paginator parses every page into dicts: minutes at
1,000,000 versions).
"""
import re
import sys
import urllib.parse
import urllib.request
from xml.sax.saxutils import unescape

from sigv4_presign import Presigner

bucket = "bench-versions"


def count(endpoint, access, secret):
    signer = Presigner(urllib.parse.urlsplit(endpoint).netloc, access, secret)
    n = 0
    markers = []
    while True:
        with urllib.request.urlopen(endpoint + signer.path("GET", "/" + bucket, [("versions", ""), ("max-keys", "1000")]
                                                          + markers)) as r:
            body = r.read()
        n += body.count(b"<Version>") + body.count(b"<DeleteMarker>")
        # the markers come before the entries; a key's text never holds a '<'
        key = re.search(rb"<NextKeyMarker>([^<]*)<", body[:4096])
        if key is None:
            return n
        version = re.search(rb"<NextVersionIdMarker>([^<]*)<", body[:4096])
        markers = [("key-marker", unescape(key.group(1).decode())),
                   ("version-id-marker", unescape(version.group(1).decode()) if version else "")]


if sys.argv[1] == "--count":
    print(count(*sys.argv[2:5]))
    sys.exit(0)

import s3setup  # noqa: E402 (boto3 only for the set-up)

endpoint, access, secret, outdir, puts = sys.argv[1:6]
puts = int(puts)
s3 = s3setup.client(endpoint, access, secret)
s3setup.create_bucket(s3, bucket)
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
