#!/usr/bin/env python3
"""Training load for a class-data archive or AOT cache of the Dualkey server (build-cache.sh).

Usage: train.py ENDPOINT ACCESS SECRET SECONDS

Drives a running server through the paths a real client takes, so that the training JVM loads, links and (on
JDK 25) profiles the classes that serve them: S3 PUT/GET/HEAD/copy/delete of small objects through boto3 (with
and without the SDK's default trailing checksums), bucket listing and ListObjectsV2, a versioned bucket with
ListObjectVersions and version deletes, a multipart upload, tagging, and the IAM Query API (users, access keys,
a virtual MFA device). Several threads run the mix for SECONDS; build-cache.sh adds wrk's presigned PUT/GET load
for volume. Exits non-zero if any request fails, so that a cache is never built from a run that took error paths
instead of the real ones.
"""
import concurrent.futures
import sys
import time
import uuid

import boto3
from botocore.config import Config

endpoint, access, secret, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])


def client(service, checksums):
    cfg = Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1},
                 request_checksum_calculation=checksums, response_checksum_validation=checksums)
    return boto3.client(service, endpoint_url=endpoint, aws_access_key_id=access, aws_secret_access_key=secret,
                        region_name="us-east-1", config=cfg)


s3 = client("s3", "when_supported")
s3plain = client("s3", "when_required")
iam = client("iam", "when_required")
run = uuid.uuid4().hex[:8]
bucket, versioned = "train-" + run, "train-v-" + run
s3.create_bucket(Bucket=bucket)
s3.create_bucket(Bucket=versioned)
s3.put_bucket_versioning(Bucket=versioned, VersioningConfiguration={"Status": "Enabled"})
small, medium = b"s" * 4096, b"m" * 65536


def mix(worker):
    """One thread's loop: mostly small PUT/GET (the benchmark's rows), every few rounds the rarer calls."""
    c = s3 if worker % 2 == 0 else s3plain
    n = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        key = "w%d/%06d" % (worker, n)
        c.put_object(Bucket=bucket, Key=key, Body=small)
        c.put_object(Bucket=bucket, Key="w%d/over" % worker, Body=small)
        c.get_object(Bucket=bucket, Key=key)["Body"].read()
        c.head_object(Bucket=bucket, Key=key)
        if n % 4 == 0:
            c.put_object(Bucket=bucket, Key=key + ".m", Body=medium)
            v = c.put_object(Bucket=versioned, Key="v%d" % worker, Body=small)["VersionId"]
            c.put_object(Bucket=versioned, Key="v%d" % worker, Body=small)
            c.delete_object(Bucket=versioned, Key="v%d" % worker, VersionId=v)
            c.list_object_versions(Bucket=versioned, MaxKeys=100)
            c.list_objects_v2(Bucket=bucket, Prefix="w%d/" % worker, MaxKeys=100)
            c.copy_object(Bucket=bucket, Key=key + ".c", CopySource={"Bucket": bucket, "Key": key})
            c.delete_object(Bucket=bucket, Key=key + ".c")
        if n % 16 == 0:
            c.put_object_tagging(Bucket=bucket, Key=key, Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
            c.get_object_tagging(Bucket=bucket, Key=key)
            c.list_buckets()
            mp = c.create_multipart_upload(Bucket=bucket, Key=key + ".mp")["UploadId"]
            etag = c.upload_part(Bucket=bucket, Key=key + ".mp", UploadId=mp, PartNumber=1, Body=medium)["ETag"]
            c.complete_multipart_upload(Bucket=bucket, Key=key + ".mp", UploadId=mp,
                                        MultipartUpload={"Parts": [{"ETag": etag, "PartNumber": 1}]})
            user = "train-%s-%d-%d" % (run, worker, n)
            iam.create_user(UserName=user)
            key_id = iam.create_access_key(UserName=user)["AccessKey"]["AccessKeyId"]
            iam.list_access_keys(UserName=user)
            iam.delete_access_key(UserName=user, AccessKeyId=key_id)
            iam.delete_user(UserName=user)
            iam.list_users()
            serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=user)["VirtualMFADevice"]["SerialNumber"]
            iam.list_virtual_mfa_devices()
            iam.delete_virtual_mfa_device(SerialNumber=serial)
        n += 1
    return n


with concurrent.futures.ThreadPoolExecutor(8) as pool:
    rounds = sum(pool.map(mix, range(8)))
print("train.py: %d rounds in %.0f s" % (rounds, seconds))
