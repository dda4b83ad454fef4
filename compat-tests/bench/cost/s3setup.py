"""The boto3 set-up shared by presign.py (cost.sh) and list-presign.py (list-cpu.sh): the bench's client of a local
Dualkey (path-style, SigV4, checksums only when required: no aws-chunked bodies) and an idempotent bucket creation."""
import boto3
from botocore.config import Config


def client(endpoint, access, secret):
    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=access, aws_secret_access_key=secret,
                        region_name="us-east-1",
                        config=Config(signature_version="s3v4", s3={"addressing_style": "path"},
                                      request_checksum_calculation="when_required"))


def create_bucket(s3, bucket):
    """Creates `bucket` unless this account owns it already."""
    try:
        s3.create_bucket(Bucket=bucket)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
