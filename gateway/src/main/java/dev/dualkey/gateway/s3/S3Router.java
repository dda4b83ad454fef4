package dev.dualkey.gateway.s3;

import dev.dualkey.gateway.http.RequestHead;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import java.util.Set;

/**
 * Maps method + addressing + sub-resource query parameters to an {@link S3Operation}, as S3 dispatches.
 * Sub-resources Dualkey does not implement (ACL changes, policies, tagging, ...) answer 501 NotImplemented
 * rather than being mistaken for a plain GET/PUT of the bucket or object.
 */
public final class S3Router {
    /** Bucket sub-resources that exist in S3 but are not implemented here. */
    private static final Set<String> UNSUPPORTED_BUCKET = Set.of(
            "website", "notification", "replication", "accelerate", "requestPayment", "analytics",
            "metrics", "inventory", "intelligent-tiering", "metadataTable", "session");
    /** Object sub-resources that exist in S3 but are not implemented here. */
    private static final Set<String> UNSUPPORTED_OBJECT = Set.of(
            "torrent", "restore", "select", "renameObject");

    private S3Router() {
    }

    public static S3Operation route(RequestHead head, S3Address address) {
        String method = head.method().name();
        if (address.bucket() == null) {
            if (method.equals("GET")) {
                return S3Operation.LIST_BUCKETS;
            }
            if (method.equals("HEAD")) {
                // S3 answers `HEAD /` on its service endpoint 405, signed or not (there is no HeadService); a
                // load balancer's or a monitor's HEAD probe then reads "reachable, wrong method", not 501's
                // "this server lacks a feature"
                throw methodNotAllowed(method);
            }
            throw notImplemented(method + " on the service");
        }
        if (address.key() == null) {
            return routeBucket(head, method);
        }
        return routeObject(head, method);
    }

    private static S3Operation routeBucket(RequestHead head, String method) {
        S3Operation access = dev.dualkey.gateway.s3.policy.AccessRoutes.route(head, method);
        if (access != null) {
            return access;
        }
        if (head.hasQueryParam("cors")) { // CORS configuration (s3/cors); preflight OPTIONS never gets here
            switch (method) {
                case "PUT" -> {
                    return S3Operation.PUT_BUCKET_CORS;
                }
                case "GET" -> {
                    return S3Operation.GET_BUCKET_CORS;
                }
                case "DELETE" -> {
                    return S3Operation.DELETE_BUCKET_CORS;
                }
                default -> throw methodNotAllowed(method);
            }
        }
        if (head.hasQueryParam("lifecycle")) {
            return switch (method) {
                case "PUT" -> S3Operation.PUT_BUCKET_LIFECYCLE_CONFIGURATION;
                case "GET" -> S3Operation.GET_BUCKET_LIFECYCLE_CONFIGURATION;
                case "DELETE" -> S3Operation.DELETE_BUCKET_LIFECYCLE;
                default -> throw methodNotAllowed(method);
            };
        }
        if (head.hasQueryParam("encryption")) { // bucket default encryption (s3/sse)
            return switch (method) {
                case "GET" -> S3Operation.GET_BUCKET_ENCRYPTION;
                case "PUT" -> S3Operation.PUT_BUCKET_ENCRYPTION;
                case "DELETE" -> S3Operation.DELETE_BUCKET_ENCRYPTION;
                default -> throw methodNotAllowed(method);
            };
        }
        if (head.hasQueryParam("ownershipControls")) {
            return switch (method) {
                case "GET" -> S3Operation.GET_BUCKET_OWNERSHIP_CONTROLS;
                case "PUT" -> S3Operation.PUT_BUCKET_OWNERSHIP_CONTROLS;
                case "DELETE" -> S3Operation.DELETE_BUCKET_OWNERSHIP_CONTROLS;
                default -> throw methodNotAllowed(method);
            };
        }
        for (String sub : UNSUPPORTED_BUCKET) {
            if (head.hasQueryParam(sub)) {
                throw notImplemented("bucket sub-resource ?" + sub);
            }
        }
        S3Operation lockOrTagging = dev.dualkey.gateway.s3.lock.LockRoutes.bucket(head, method);
        if (lockOrTagging != null) {
            return lockOrTagging;
        }
        if (head.hasQueryParam("logging")) {
            return switch (method) {
                case "GET" -> S3Operation.GET_BUCKET_LOGGING;
                case "PUT" -> S3Operation.PUT_BUCKET_LOGGING;
                default -> throw methodNotAllowed(method);
            };
        }
        if (head.hasQueryParam("acl")) {
            return switch (method) {
                case "GET" -> S3Operation.GET_BUCKET_ACL;
                case "PUT" -> S3Operation.PUT_BUCKET_ACL;
                default -> throw methodNotAllowed(method);
            };
        }
        switch (method) {
            case "GET" -> {
                if (head.hasQueryParam("versioning")) {
                    return S3Operation.GET_BUCKET_VERSIONING;
                }
                if (head.hasQueryParam("location")) {
                    return S3Operation.GET_BUCKET_LOCATION;
                }
                if (head.hasQueryParam("versions")) {
                    return S3Operation.LIST_OBJECT_VERSIONS;
                }
                if (head.hasQueryParam("uploads")) {
                    return S3Operation.LIST_MULTIPART_UPLOADS;
                }
                if ("2".equals(head.queryParam("list-type"))) {
                    return S3Operation.LIST_OBJECTS_V2;
                }
                return S3Operation.LIST_OBJECTS;
            }
            case "PUT" -> {
                if (head.hasQueryParam("versioning")) {
                    return S3Operation.PUT_BUCKET_VERSIONING;
                }
                return S3Operation.CREATE_BUCKET;
            }
            case "HEAD" -> {
                return S3Operation.HEAD_BUCKET;
            }
            case "DELETE" -> {
                return S3Operation.DELETE_BUCKET;
            }
            case "POST" -> {
                if (head.hasQueryParam("delete")) {
                    return S3Operation.DELETE_OBJECTS;
                }
                throw notImplemented("POST on a bucket (browser form uploads)");
            }
            default -> throw methodNotAllowed(method);
        }
    }

    private static S3Operation routeObject(RequestHead head, String method) {
        for (String sub : UNSUPPORTED_OBJECT) {
            if (head.hasQueryParam(sub)) {
                throw notImplemented("object sub-resource ?" + sub);
            }
        }
        S3Operation lockOrTagging = dev.dualkey.gateway.s3.lock.LockRoutes.object(head, method);
        if (lockOrTagging != null) {
            return lockOrTagging;
        }
        if (head.hasQueryParam("acl")) {
            return switch (method) {
                case "GET" -> S3Operation.GET_OBJECT_ACL;
                case "PUT" -> S3Operation.PUT_OBJECT_ACL;
                default -> throw methodNotAllowed(method);
            };
        }
        if (head.hasQueryParam("attributes")) {
            if (method.equals("GET")) {
                return S3Operation.GET_OBJECT_ATTRIBUTES;
            }
            throw methodNotAllowed(method);
        }
        boolean uploadId = head.hasQueryParam("uploadId");
        switch (method) {
            case "GET" -> {
                return uploadId ? S3Operation.LIST_PARTS : S3Operation.GET_OBJECT;
            }
            case "HEAD" -> {
                return S3Operation.HEAD_OBJECT;
            }
            case "PUT" -> {
                boolean copy = head.header("x-amz-copy-source") != null;
                if (uploadId || head.hasQueryParam("partNumber")) {
                    return copy ? S3Operation.UPLOAD_PART_COPY : S3Operation.UPLOAD_PART;
                }
                return copy ? S3Operation.COPY_OBJECT : S3Operation.PUT_OBJECT;
            }
            case "DELETE" -> {
                return uploadId ? S3Operation.ABORT_MULTIPART_UPLOAD : S3Operation.DELETE_OBJECT;
            }
            case "POST" -> {
                if (head.hasQueryParam("uploads")) {
                    return S3Operation.CREATE_MULTIPART_UPLOAD;
                }
                if (uploadId) {
                    return S3Operation.COMPLETE_MULTIPART_UPLOAD;
                }
                throw notImplemented("POST on an object");
            }
            default -> throw methodNotAllowed(method);
        }
    }

    private static S3Exception notImplemented(String what) {
        return new S3Exception(S3ErrorCode.NOT_IMPLEMENTED,
                "A header or query you provided implies functionality that is not implemented: " + what);
    }

    private static S3Exception methodNotAllowed(String method) {
        return new S3Exception(S3ErrorCode.METHOD_NOT_ALLOWED).with("Method", method);
    }
}
