package dev.dualkey.gateway.s3.lock;

import dev.dualkey.gateway.http.RequestHead;
import dev.dualkey.gateway.s3.S3Operation;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;

/**
 * Routing of the Object Lock and tagging sub-resources, checked by {@code S3Router} before anything else of a bucket
 * or object request, so that {@code ?retention&versionId=...} is never mistaken for a GET of that version (a pitfall
 * other S3 servers fell into, spec §1.7.5).
 */
public final class LockRoutes {
    private LockRoutes() {
    }

    /** The bucket-level operation ({@code ?object-lock}, {@code ?tagging}), or null when neither applies. */
    public static S3Operation bucket(RequestHead head, String method) {
        if (head.hasQueryParam("object-lock")) {
            return switch (method) {
                case "PUT" -> S3Operation.PUT_OBJECT_LOCK_CONFIGURATION;
                case "GET" -> S3Operation.GET_OBJECT_LOCK_CONFIGURATION;
                default -> throw methodNotAllowed(method);
            };
        }
        if (head.hasQueryParam("tagging")) {
            return switch (method) {
                case "PUT" -> S3Operation.PUT_BUCKET_TAGGING;
                case "GET" -> S3Operation.GET_BUCKET_TAGGING;
                case "DELETE" -> S3Operation.DELETE_BUCKET_TAGGING;
                default -> throw methodNotAllowed(method);
            };
        }
        return null;
    }

    /** The object-level operation ({@code ?retention}, {@code ?legal-hold}, {@code ?tagging}), or null. */
    public static S3Operation object(RequestHead head, String method) {
        if (head.hasQueryParam("retention")) {
            return switch (method) {
                case "PUT" -> S3Operation.PUT_OBJECT_RETENTION;
                case "GET" -> S3Operation.GET_OBJECT_RETENTION;
                default -> throw methodNotAllowed(method);
            };
        }
        if (head.hasQueryParam("legal-hold")) {
            return switch (method) {
                case "PUT" -> S3Operation.PUT_OBJECT_LEGAL_HOLD;
                case "GET" -> S3Operation.GET_OBJECT_LEGAL_HOLD;
                default -> throw methodNotAllowed(method);
            };
        }
        if (head.hasQueryParam("tagging")) {
            return switch (method) {
                case "PUT" -> S3Operation.PUT_OBJECT_TAGGING;
                case "GET" -> S3Operation.GET_OBJECT_TAGGING;
                case "DELETE" -> S3Operation.DELETE_OBJECT_TAGGING;
                default -> throw methodNotAllowed(method);
            };
        }
        return null;
    }

    private static S3Exception methodNotAllowed(String method) {
        return new S3Exception(S3ErrorCode.METHOD_NOT_ALLOWED).with("Method", method);
    }
}
