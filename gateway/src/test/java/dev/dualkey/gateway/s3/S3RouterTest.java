package dev.dualkey.gateway.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.gateway.http.RequestHead;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

class S3RouterTest {
    static S3Operation route(String method, String uri, String... headers) {
        DefaultHttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), uri);
        for (int i = 0; i < headers.length; i += 2) {
            r.headers().add(headers[i], headers[i + 1]);
        }
        RequestHead head = new RequestHead("id", "host", r, false);
        return S3Router.route(head, S3Address.parse(head.rawPath(), null, null));
    }

    @Test
    void serviceAndBucketOperations() {
        assertEquals(S3Operation.LIST_BUCKETS, route("GET", "/"));
        assertEquals(S3Operation.CREATE_BUCKET, route("PUT", "/bkt"));
        assertEquals(S3Operation.HEAD_BUCKET, route("HEAD", "/bkt"));
        assertEquals(S3Operation.DELETE_BUCKET, route("DELETE", "/bkt/"));
        assertEquals(S3Operation.GET_BUCKET_LOCATION, route("GET", "/bkt?location"));
        assertEquals(S3Operation.GET_BUCKET_VERSIONING, route("GET", "/bkt?versioning"));
        assertEquals(S3Operation.PUT_BUCKET_VERSIONING, route("PUT", "/bkt?versioning"));
        assertEquals(S3Operation.LIST_OBJECTS, route("GET", "/bkt?prefix=a"));
        assertEquals(S3Operation.LIST_OBJECTS_V2, route("GET", "/bkt?list-type=2"));
        assertEquals(S3Operation.LIST_OBJECT_VERSIONS, route("GET", "/bkt?versions"));
        assertEquals(S3Operation.LIST_MULTIPART_UPLOADS, route("GET", "/bkt?uploads"));
        assertEquals(S3Operation.DELETE_OBJECTS, route("POST", "/bkt?delete"));
        assertEquals(S3Operation.GET_BUCKET_ENCRYPTION, route("GET", "/bkt?encryption"));
        assertEquals(S3Operation.PUT_BUCKET_ENCRYPTION, route("PUT", "/bkt?encryption"));
        assertEquals(S3Operation.DELETE_BUCKET_ENCRYPTION, route("DELETE", "/bkt?encryption"));
    }

    @Test
    void objectAndMultipartOperations() {
        assertEquals(S3Operation.PUT_OBJECT, route("PUT", "/bkt/a/b.txt"));
        assertEquals(S3Operation.COPY_OBJECT, route("PUT", "/bkt/k", "x-amz-copy-source", "/src/k"));
        assertEquals(S3Operation.GET_OBJECT, route("GET", "/bkt/k?versionId=x"));
        assertEquals(S3Operation.HEAD_OBJECT, route("HEAD", "/bkt/k"));
        assertEquals(S3Operation.DELETE_OBJECT, route("DELETE", "/bkt/k"));
        assertEquals(S3Operation.CREATE_MULTIPART_UPLOAD, route("POST", "/bkt/k?uploads"));
        assertEquals(S3Operation.UPLOAD_PART, route("PUT", "/bkt/k?partNumber=1&uploadId=u"));
        assertEquals(S3Operation.UPLOAD_PART_COPY, route("PUT", "/bkt/k?partNumber=1&uploadId=u",
                "x-amz-copy-source", "src/k"));
        assertEquals(S3Operation.COMPLETE_MULTIPART_UPLOAD, route("POST", "/bkt/k?uploadId=u"));
        assertEquals(S3Operation.ABORT_MULTIPART_UPLOAD, route("DELETE", "/bkt/k?uploadId=u"));
        assertEquals(S3Operation.LIST_PARTS, route("GET", "/bkt/k?uploadId=u"));
    }

    @Test
    void headOnTheServiceIsMethodNotAllowedAsOnS3() {
        S3Exception e = assertThrows(S3Exception.class, () -> route("HEAD", "/"));
        assertEquals(S3ErrorCode.METHOD_NOT_ALLOWED, e.error());
        assertEquals(405, e.error().httpStatus());
    }

    @Test
    void unsupportedSubresourcesAreNotImplemented() {
        for (String uri : new String[] {"/bkt?website", "/bkt/k?torrent"}) {
            S3Exception e = assertThrows(S3Exception.class, () -> route("GET", uri), uri);
            assertEquals(S3ErrorCode.NOT_IMPLEMENTED, e.error());
            assertEquals(501, e.error().httpStatus());
        }
        assertEquals(S3ErrorCode.NOT_IMPLEMENTED,
                assertThrows(S3Exception.class, () -> route("POST", "/bkt")).error());
        assertEquals(S3ErrorCode.NOT_IMPLEMENTED,
                assertThrows(S3Exception.class, () -> route("DELETE", "/")).error());
        assertEquals(S3Operation.PUT_BUCKET_ACL, route("PUT", "/bkt?acl"));
        assertEquals(S3Operation.PUT_OBJECT_ACL, route("PUT", "/bkt/k?acl"));
        assertEquals(S3Operation.PUT_BUCKET_OWNERSHIP_CONTROLS, route("PUT", "/bkt?ownershipControls"));
        assertEquals(S3Operation.DELETE_BUCKET_OWNERSHIP_CONTROLS, route("DELETE", "/bkt?ownershipControls"));
        assertEquals(S3Operation.GET_BUCKET_ACL, route("GET", "/bkt?acl"));
        assertEquals(S3Operation.GET_OBJECT_ACL, route("GET", "/bkt/k?acl"));
    }

    @Test
    void lifecycleSubresource() {
        assertEquals(S3Operation.PUT_BUCKET_LIFECYCLE_CONFIGURATION, route("PUT", "/bkt?lifecycle"));
        assertEquals(S3Operation.GET_BUCKET_LIFECYCLE_CONFIGURATION, route("GET", "/bkt?lifecycle"));
        assertEquals(S3Operation.DELETE_BUCKET_LIFECYCLE, route("DELETE", "/bkt?lifecycle"));
        assertEquals(S3ErrorCode.METHOD_NOT_ALLOWED,
                assertThrows(S3Exception.class, () -> route("POST", "/bkt?lifecycle")).error());
    }

    @Test
    void objectLockAndTaggingSubresourcesRouteBeforeVersionIds() {
        assertEquals(S3Operation.PUT_OBJECT_LOCK_CONFIGURATION, route("PUT", "/bkt?object-lock"));
        assertEquals(S3Operation.GET_OBJECT_LOCK_CONFIGURATION, route("GET", "/bkt?object-lock"));
        assertEquals(S3Operation.PUT_BUCKET_TAGGING, route("PUT", "/bkt?tagging"));
        assertEquals(S3Operation.GET_BUCKET_TAGGING, route("GET", "/bkt?tagging"));
        assertEquals(S3Operation.DELETE_BUCKET_TAGGING, route("DELETE", "/bkt?tagging"));
        assertEquals(S3Operation.PUT_OBJECT_RETENTION, route("PUT", "/bkt/k?retention&versionId=v"));
        assertEquals(S3Operation.GET_OBJECT_RETENTION, route("GET", "/bkt/k?retention&versionId=v"));
        assertEquals(S3Operation.PUT_OBJECT_LEGAL_HOLD, route("PUT", "/bkt/k?legal-hold"));
        assertEquals(S3Operation.GET_OBJECT_LEGAL_HOLD, route("GET", "/bkt/k?versionId=v&legal-hold"));
        assertEquals(S3Operation.PUT_OBJECT_TAGGING, route("PUT", "/bkt/k?tagging"));
        assertEquals(S3Operation.GET_OBJECT_TAGGING, route("GET", "/bkt/k?tagging&versionId=v"));
        assertEquals(S3Operation.DELETE_OBJECT_TAGGING, route("DELETE", "/bkt/k?tagging"));
        assertEquals(S3ErrorCode.METHOD_NOT_ALLOWED,
                assertThrows(S3Exception.class, () -> route("DELETE", "/bkt/k?retention")).error());
    }

    @Test
    void keysKeepSlashesPlusAndDecodedCharacters() {
        assertEquals(new S3Address("bkt", "a//b+c d%"), S3Address.parse("/bkt/a//b+c%20d%25", null, null));
        assertEquals(new S3Address("bkt", null), S3Address.parse("/bkt/", null, null));
        assertEquals(new S3Address(null, null), S3Address.parse("/", null, null));
    }

    @Test
    void virtualHostedStyleTakesTheBucketFromHost() {
        assertEquals(new S3Address("photos", "2024/a.jpg"),
                S3Address.parse("/2024/a.jpg", "photos.s3.example:9000", "s3.example"));
        assertEquals(new S3Address("photos", null), S3Address.parse("/", "photos.s3.example", "s3.example"));
        // The bare domain and other hosts stay path-style.
        assertEquals(new S3Address("bkt", "k"), S3Address.parse("/bkt/k", "s3.example", "s3.example"));
        assertEquals(new S3Address("bkt", "k"), S3Address.parse("/bkt/k", "127.0.0.1:9000", "s3.example"));
    }
}
