package dev.dualkey.gateway.authz;

import dev.dualkey.gateway.http.RequestHead;
import dev.dualkey.gateway.s3.S3Operation;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The condition keys bucket policies commonly test, beyond {@link S3ConditionKeys}' (AWS's "Condition keys for
 * Amazon S3" and "AWS global condition context keys"):
 * <ul>
 *   <li>{@code s3:x-amz-grant-read}, {@code -write}, {@code -read-acp}, {@code -write-acp}, {@code -full-control}
 *       from the request's grant headers;</li>
 *   <li>{@code s3:x-amz-server-side-encryption-aws-kms-key-id};</li>
 *   <li>{@code s3:RequestObjectTag/<key>} for each tag of {@code x-amz-tagging} (PutObject, CopyObject,
 *       CreateMultipartUpload); {@code s3:RequestObjectTagKeys} is derived from these where a policy is
 *       evaluated ({@link BucketPolicySide});</li>
 *   <li>{@code aws:Referer} and {@code aws:UserAgent} from the headers (client-controlled: AWS warns they must
 *       not stand for authentication, and so does Dualkey's README).</li>
 * </ul>
 */
final class AccessConditionKeys {
    private static final String[] GRANTS = {"read", "write", "read-acp", "write-acp", "full-control"};

    private AccessConditionKeys() {
    }

    static void add(Map<String, String> keys, S3Operation operation, RequestHead head) {
        for (String g : GRANTS) {
            put(keys, "s3:x-amz-grant-" + g, head.header("x-amz-grant-" + g));
        }
        put(keys, "s3:x-amz-server-side-encryption-aws-kms-key-id",
                head.header("x-amz-server-side-encryption-aws-kms-key-id"));
        put(keys, "aws:Referer", head.header("Referer"));
        put(keys, "aws:UserAgent", head.header("User-Agent"));
        String tagging = head.header("x-amz-tagging");
        if (tagging != null && (operation == S3Operation.PUT_OBJECT || operation == S3Operation.COPY_OBJECT
                || operation == S3Operation.CREATE_MULTIPART_UPLOAD)) {
            for (String pair : tagging.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                try {
                    String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    keys.put("s3:RequestObjectTag/" + k, v);
                } catch (IllegalArgumentException e) {
                    // a malformed escape: the operation answers InvalidTag; the policy sees no such tag
                }
            }
        }
    }

    private static void put(Map<String, String> keys, String name, String value) {
        if (value != null) {
            keys.put(name, value);
        }
    }
}
