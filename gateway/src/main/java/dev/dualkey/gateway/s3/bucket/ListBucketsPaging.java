package dev.dualkey.gateway.s3.bucket;

import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.storage.model.BucketInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * ListBuckets' paging and filters as S3 defines them (2024): {@code max-buckets} (1-10000), an opaque
 * {@code continuation-token} (here: base64url of the last name returned, so a page is stable while buckets come and
 * go), {@code prefix} and {@code bucket-region}. Without {@code max-buckets} every matching bucket is returned, as
 * before. The answer carries {@code ContinuationToken} when more buckets remain and echoes {@code Prefix}.
 *
 * @param buckets the page
 * @param next    the token of the next page, or null
 */
record ListBucketsPaging(List<BucketInfo> buckets, String next) {
    static final int MAX_BUCKETS = 10_000;

    static ListBucketsPaging of(S3Request req, List<BucketInfo> sortedByName) {
        int max = maxBuckets(req.queryParam("max-buckets"));
        String after = token(req.queryParam("continuation-token"));
        String prefix = req.queryParam("prefix");
        String region = req.queryParam("bucket-region");
        List<BucketInfo> page = new ArrayList<>();
        String next = null;
        for (BucketInfo b : sortedByName) {
            if (after != null && b.name().compareTo(after) <= 0
                    || prefix != null && !b.name().startsWith(prefix)
                    || region != null && !region.isEmpty() && !b.region().equals(region)) {
                continue;
            }
            if (page.size() == max) {
                next = encode(page.get(page.size() - 1).name());
                break;
            }
            page.add(b);
        }
        return new ListBucketsPaging(page, next);
    }

    private static int maxBuckets(String v) {
        if (v == null) {
            return Integer.MAX_VALUE;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1 && n <= MAX_BUCKETS) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Argument max-buckets must be an integer between 1"
                + " and 10000.").with("ArgumentName", "max-buckets").with("ArgumentValue", v);
    }

    private static String token(String v) {
        if (v == null) {
            return null;
        }
        try {
            String name = new String(Base64.getUrlDecoder().decode(v.trim()), StandardCharsets.UTF_8);
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IllegalArgumentException ignored) {
            // answered below
        }
        throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "The continuation token provided is incorrect")
                .with("ArgumentName", "continuation-token").with("ArgumentValue", v);
    }

    private static String encode(String name) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(name.getBytes(StandardCharsets.UTF_8));
    }
}
