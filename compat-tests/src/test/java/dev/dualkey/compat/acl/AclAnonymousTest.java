package dev.dualkey.compat.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.TestBuckets;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketCannedACL;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.ObjectOwnership;

/**
 * Grants to AllUsers as S3 evaluates them for a request without any credentials (plain HTTP, as curl or a browser
 * sends it): a {@code public-read} object is readable by anyone once the bucket allows ACLs; the bucket's Block
 * Public Access {@code IgnorePublicAcls} takes that back; a READ grant never lets anyone write or delete.
 */
@ExtendWith(GatewayExtension.class)
class AclAnonymousTest {
    private static GatewayEndpoint gw;
    private static S3Client root;

    @BeforeAll
    static void clients(GatewayEndpoint endpoint) {
        gw = endpoint;
        root = Clients.v2(gw);
    }

    @AfterAll
    static void close() {
        root.close();
    }

    private static HttpResponse<String> unsigned(String method, String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gw.endpoint() + path))
                    .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void publicReadObjectIsReadableWithoutCredentialsUntilPublicAclsAreIgnored(TestBuckets buckets) {
        String bucket = buckets.newName();
        root.createBucket(b -> b.bucket(bucket).objectOwnership(ObjectOwnership.OBJECT_WRITER));
        root.putObject(b -> b.bucket(bucket).key("public.txt").acl(ObjectCannedACL.PUBLIC_READ),
                RequestBody.fromString("for everyone"));
        root.putObject(b -> b.bucket(bucket).key("private.txt"), RequestBody.fromString("for the owner"));

        HttpResponse<String> get = unsigned("GET", "/" + bucket + "/public.txt");
        assertEquals(200, get.statusCode(), get.body());
        assertEquals("for everyone", get.body());
        assertEquals(200, unsigned("HEAD", "/" + bucket + "/public.txt").statusCode());

        HttpResponse<String> hidden = unsigned("GET", "/" + bucket + "/private.txt");
        assertEquals(403, hidden.statusCode());
        assertTrue(hidden.body().contains("<Code>AccessDenied</Code>"), hidden.body());
        // READ on one object grants nothing else: no listing, no overwrite, no delete, no ACL read
        assertEquals(403, unsigned("GET", "/" + bucket).statusCode());
        assertEquals(403, unsigned("PUT", "/" + bucket + "/public.txt").statusCode());
        assertEquals(403, unsigned("DELETE", "/" + bucket + "/public.txt").statusCode());
        assertEquals(403, unsigned("GET", "/" + bucket + "/public.txt?acl").statusCode());
        assertEquals("for everyone", root.getObjectAsBytes(b -> b.bucket(bucket).key("public.txt")).asUtf8String());

        root.putPublicAccessBlock(b -> b.bucket(bucket).publicAccessBlockConfiguration(c -> c.ignorePublicAcls(true)));
        assertEquals(403, unsigned("GET", "/" + bucket + "/public.txt").statusCode(),
                "IgnorePublicAcls drops the AllUsers grant");
        root.deletePublicAccessBlock(b -> b.bucket(bucket));
        assertEquals(200, unsigned("GET", "/" + bucket + "/public.txt").statusCode());
    }

    @Test
    void publicReadBucketListsWithoutCredentialsButNeverWrites(TestBuckets buckets) {
        String bucket = buckets.newName();
        root.createBucket(b -> b.bucket(bucket).objectOwnership(ObjectOwnership.BUCKET_OWNER_PREFERRED)
                .acl(BucketCannedACL.PUBLIC_READ));
        root.putObject(b -> b.bucket(bucket).key("listed.txt"), RequestBody.fromString("x"));

        HttpResponse<String> list = unsigned("GET", "/" + bucket + "?list-type=2");
        assertEquals(200, list.statusCode(), list.body());
        assertTrue(list.body().contains("<Key>listed.txt</Key>"), list.body());
        // bucket READ is listing only: the object itself stays private, and nobody anonymous may write
        assertEquals(403, unsigned("GET", "/" + bucket + "/listed.txt").statusCode());
        assertEquals(403, unsigned("PUT", "/" + bucket + "/new.txt").statusCode());
    }
}
