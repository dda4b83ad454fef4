package dev.dualkey.gateway.authz;

import dev.dualkey.gateway.http.RequestHead;
import dev.dualkey.gateway.s3.S3Operation;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The S3 service condition keys a request carries (AWS's "Condition keys for Amazon S3"), read from its query and
 * headers. A key the request does not have is left out, so {@code ...IfExists} and {@code Null} work as on AWS.
 * The signature keys come from {@link RequestContextBuilder#s3Signature}.
 */
public final class S3ConditionKeys {
    private S3ConditionKeys() {
    }

    public static Map<String, String> of(S3Operation operation, RequestHead head) {
        Map<String, String> keys = new LinkedHashMap<>();
        switch (operation) {
            case LIST_OBJECTS, LIST_OBJECTS_V2, LIST_OBJECT_VERSIONS -> {
                put(keys, "s3:prefix", head.queryParam("prefix"));
                put(keys, "s3:delimiter", head.queryParam("delimiter"));
                put(keys, "s3:max-keys", head.queryParam("max-keys"));
            }
            case COPY_OBJECT, UPLOAD_PART_COPY -> {
                put(keys, "s3:x-amz-copy-source", head.header("x-amz-copy-source"));
                put(keys, "s3:x-amz-metadata-directive", head.header("x-amz-metadata-directive"));
            }
            default -> {
                // no operation-specific keys
            }
        }
        String versionId = head.queryParam("versionId");
        if (versionId != null && !versionId.isEmpty()) {
            keys.put("s3:VersionId", versionId);
        }
        put(keys, "s3:x-amz-acl", head.header("x-amz-acl"));
        put(keys, "s3:x-amz-server-side-encryption", head.header("x-amz-server-side-encryption"));
        AccessConditionKeys.add(keys, operation, head);
        return keys;
    }

    private static void put(Map<String, String> keys, String name, String value) {
        if (value != null) {
            keys.put(name, value);
        }
    }
}
