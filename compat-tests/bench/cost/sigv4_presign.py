"""SigV4 query signing of many request paths at once (boto3's generate_presigned_url is too slow for 10^5 URLs).

One signing key and one X-Amz-Date for every path, UNSIGNED-PAYLOAD, only `host` signed, valid 24 h: wrk then
replays the paths with no client-side signing competing with the measured server. Used by presign.py (cost.sh,
put-statfs.sh, gateway/aot/build-cache.sh), list-presign.py (list-cpu.sh) and gateway/aot/presign_windows.py (warmup-curves.sh).
"""
import datetime
import hashlib
import hmac
import urllib.parse


class Presigner:
    def __init__(self, host, access, secret, region="us-east-1"):
        now = datetime.datetime.now(datetime.timezone.utc)
        self.host = host
        self.amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
        self.scope = day + "/" + region + "/s3/aws4_request"
        self.base = [("X-Amz-Algorithm", "AWS4-HMAC-SHA256"), ("X-Amz-Credential", access + "/" + self.scope),
                     ("X-Amz-Date", self.amz_date), ("X-Amz-Expires", "86400"), ("X-Amz-SignedHeaders", "host")]
        key = ("AWS4" + secret).encode()
        for part in (day, region, "s3", "aws4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        self.key = key

    def path(self, method, p, params=()):
        """The presigned path (with query) of `method` on the already-encoded path `p`; `params` are extra
        (name, value) query parameters, signed with the rest in sorted order."""
        q = lambda v: urllib.parse.quote(v, safe="-_.~")
        query = "&".join(q(k) + "=" + q(v) for k, v in sorted(list(params) + self.base))
        canonical = "\n".join([method, p, query, "host:" + self.host, "", "host", "UNSIGNED-PAYLOAD"])
        to_sign = "\n".join(["AWS4-HMAC-SHA256", self.amz_date, self.scope,
                             hashlib.sha256(canonical.encode()).hexdigest()])
        return (p + "?" + query + "&X-Amz-Signature="
                + hmac.new(self.key, to_sign.encode(), hashlib.sha256).hexdigest())
