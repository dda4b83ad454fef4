package dev.dualkey.gateway.s3;

import dev.dualkey.gateway.auth.AuthResult;
import dev.dualkey.gateway.auth.Principal;
import dev.dualkey.gateway.authz.RequestAuthorizer;
import dev.dualkey.gateway.http.RequestHead;
import java.util.Objects;

/**
 * A routed, authenticated, authorized S3 request: the head, the addressed bucket and key (path-style or
 * virtual-hosted), the operation, who signed it, and the authorizer bound to its request context (for the
 * checks a handler makes itself, such as each DeleteObjects entry).
 *
 * @param bucket bucket name, or null for service-level requests
 * @param key    decoded object key, or null for bucket-level requests
 */
public record S3Request(RequestHead head, String bucket, String key, S3Operation operation, AuthResult auth,
                        RequestAuthorizer access) {
    public S3Request {
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(access, "access");
    }

    public Principal principal() {
        return auth.principal();
    }

    public String header(String name) {
        return head.header(name);
    }

    public String queryParam(String name) {
        return head.queryParam(name);
    }

    public boolean hasQueryParam(String name) {
        return head.hasQueryParam(name);
    }

    /** The {@code versionId} query parameter, or null. */
    public String versionId() {
        String v = head.queryParam("versionId");
        return v == null || v.isEmpty() ? null : v;
    }
}
