package dev.dualkey.compat;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Unique bucket names for one test (or one test class) and their cleanup.
 *
 * <p>Names look like {@code compat-<n>-<8 hex>} so that repeated runs against the same attached server never
 * collide. On {@link #close()} every bucket handed out is emptied (all versions, delete markers and pending
 * multipart uploads) and deleted; a failure there is reported on stderr rather than failing an unrelated test,
 * since the operations involved have tests of their own.
 */
public final class TestBuckets implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final GatewayEndpoint endpoint;
    private final String owner;
    private final List<String> names = new ArrayList<>();

    TestBuckets(GatewayEndpoint endpoint, String owner) {
        this.endpoint = endpoint;
        this.owner = owner;
    }

    /** A fresh, valid, unused bucket name, cleaned up after the test if a bucket of that name exists. */
    public synchronized String newName() {
        byte[] suffix = new byte[4];
        RANDOM.nextBytes(suffix);
        String name = String.format(Locale.ROOT, "compat-%d-%s", COUNTER.incrementAndGet(),
                HexFormat.of().formatHex(suffix));
        names.add(name);
        return name;
    }

    /** Creates a fresh bucket owned by {@link GatewayEndpoint#root()} and returns its name. */
    public String create() {
        String name = newName();
        try (S3Client s3 = Clients.v2(endpoint)) {
            s3.createBucket(b -> b.bucket(name));
        }
        return name;
    }

    /** Creates a fresh bucket with versioning enabled. */
    public String createVersioned() {
        String name = create();
        try (S3Client s3 = Clients.v2(endpoint)) {
            s3.putBucketVersioning(b -> b.bucket(name).versioningConfiguration(v -> v.status("Enabled")));
        }
        return name;
    }

    @Override
    public synchronized void close() {
        if (names.isEmpty()) {
            return;
        }
        try (S3Client s3 = Clients.v2(endpoint)) {
            for (String name : names) {
                try {
                    empty(s3, name);
                    s3.deleteBucket(b -> b.bucket(name));
                } catch (NoSuchBucketException e) {
                    // never created or already deleted by the test
                } catch (S3Exception | IllegalStateException e) {
                    System.err.println("compat: cleanup of bucket " + name + " for " + owner + " failed: " + e);
                }
            }
        }
        names.clear();
    }

    private static void empty(S3Client s3, String bucket) {
        for (MultipartUpload upload : s3.listMultipartUploadsPaginator(b -> b.bucket(bucket)).uploads()) {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()));
        }
        for (ListObjectVersionsResponse page : s3.listObjectVersionsPaginator(b -> b.bucket(bucket))) {
            List<ObjectIdentifier> ids = new ArrayList<>();
            page.versions().forEach(v -> ids.add(ObjectIdentifier.builder().key(v.key()).versionId(v.versionId()).build()));
            page.deleteMarkers().forEach(m -> ids.add(ObjectIdentifier.builder().key(m.key()).versionId(m.versionId()).build()));
            if (!ids.isEmpty()) {
                s3.deleteObjects(b -> b.bucket(bucket).delete(Delete.builder().objects(ids).quiet(true).build()));
            }
        }
    }
}
