package dev.dualkey.gateway.s3.policy;

import dev.dualkey.gateway.http.RequestHead;
import dev.dualkey.gateway.s3.S3Operation;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;

/**
 * Routes the bucket sub-resources of access control this package serves: {@code ?policy},
 * {@code ?policyStatus}, {@code ?publicAccessBlock}. Called first by {@code S3Router.routeBucket}.
 */
public final class AccessRoutes {
    private AccessRoutes() {
    }

    /** The operation, or null when the request names none of these sub-resources. */
    public static S3Operation route(RequestHead head, String method) {
        if (head.hasQueryParam("policy")) {
            return switch (method) {
                case "PUT" -> S3Operation.PUT_BUCKET_POLICY;
                case "GET" -> S3Operation.GET_BUCKET_POLICY;
                case "DELETE" -> S3Operation.DELETE_BUCKET_POLICY;
                default -> throw notAllowed(method);
            };
        }
        if (head.hasQueryParam("policyStatus")) {
            if (method.equals("GET")) {
                return S3Operation.GET_BUCKET_POLICY_STATUS;
            }
            throw notAllowed(method);
        }
        if (head.hasQueryParam("publicAccessBlock")) {
            return switch (method) {
                case "PUT" -> S3Operation.PUT_PUBLIC_ACCESS_BLOCK;
                case "GET" -> S3Operation.GET_PUBLIC_ACCESS_BLOCK;
                case "DELETE" -> S3Operation.DELETE_PUBLIC_ACCESS_BLOCK;
                default -> throw notAllowed(method);
            };
        }
        return null;
    }

    private static S3Exception notAllowed(String method) {
        return new S3Exception(S3ErrorCode.METHOD_NOT_ALLOWED).with("Method", method);
    }
}
