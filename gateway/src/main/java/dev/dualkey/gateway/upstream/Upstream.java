package dev.dualkey.gateway.upstream;

import dev.dualkey.storage.error.BucketAlreadyExistsException;
import dev.dualkey.storage.error.SlowDownException;
import dev.dualkey.storage.error.StorageException;
import dev.dualkey.storage.error.StorageIoException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The upstream S3 service as the store uses it: one upstream bucket per Dualkey bucket ({@code prefix + name}),
 * always versioning-Enabled, addressed by upstream version id only (never "the latest": which version is current
 * is the version index's decision). Bodies go up from verified spool files (length and Content-MD5 known, so the
 * upstream checks the transfer too) and come down as streams of a ranged GET.
 *
 * <p>Errors: a throttling or unavailable upstream (HTTP 503, 500, connection failures) is SlowDown (clients retry);
 * anything else unexpected is an I/O error. Callers translate the expected 404s themselves.
 */
final class Upstream implements AutoCloseable {
    private final S3Client s3;
    private final String prefix;
    private final long partSize;
    private final long multipartThreshold;

    Upstream(UpstreamSettings settings) {
        ApacheHttpClient.Builder http = ApacheHttpClient.builder().maxConnections(64)
                .connectionTimeout(Duration.ofSeconds(10)).socketTimeout(Duration.ofSeconds(60));
        if (settings.caFile() != null) {
            TrustManagerFactory tmf = trustManagers(settings.caFile());
            http.tlsTrustManagersProvider(tmf::getTrustManagers);
        }
        this.s3 = S3Client.builder().endpointOverride(settings.endpoint()).region(Region.of(settings.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKey(), settings.secretKey())))
                .forcePathStyle(true).httpClient(http.build()).build();
        this.prefix = settings.bucketPrefix();
        this.partSize = settings.partSize();
        this.multipartThreshold = settings.multipartThreshold();
    }

    private static TrustManagerFactory trustManagers(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("upstream-ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            return tmf;
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot read the upstream CA file " + pem + ": " + e.getMessage(), e);
        }
    }

    String bucket(String dualkeyBucket) {
        return prefix + dualkeyBucket;
    }

    /** Creates the upstream bucket (or adopts it when the gateway already owns it) and enables its versioning. */
    void createBucket(String bucket) {
        call(() -> {
            try {
                s3.createBucket(b -> b.bucket(bucket(bucket)));
            } catch (S3Exception e) {
                if ("BucketAlreadyExists".equals(code(e))) {
                    // the upstream's namespace is shared with its other users: the name is taken there
                    throw new BucketAlreadyExistsException("The requested bucket name is not available. The bucket "
                            + "namespace is shared by all users of the system. Please select a different name and "
                            + "try again.");
                }
                if (!"BucketAlreadyOwnedByYou".equals(code(e))) {
                    throw e;
                }
            }
            s3.putBucketVersioning(b -> b.bucket(bucket(bucket))
                    .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
            return null;
        });
    }

    /** Removes every version and upload left in the upstream bucket (orphans), then the bucket. */
    void deleteBucket(String bucket) {
        String ub = bucket(bucket);
        call(() -> {
            for (var page : s3.listObjectVersionsPaginator(b -> b.bucket(ub))) {
                List<ObjectIdentifier> ids = new ArrayList<>();
                page.versions().forEach(v -> ids.add(ObjectIdentifier.builder().key(v.key())
                        .versionId(v.versionId()).build()));
                page.deleteMarkers().forEach(v -> ids.add(ObjectIdentifier.builder().key(v.key())
                        .versionId(v.versionId()).build()));
                for (ObjectIdentifier id : ids) {
                    s3.deleteObject(b -> b.bucket(ub).key(id.key()).versionId(id.versionId()));
                }
            }
            for (var page : s3.listMultipartUploadsPaginator(b -> b.bucket(ub))) {
                page.uploads().forEach(u -> s3.abortMultipartUpload(b -> b.bucket(ub).key(u.key())
                        .uploadId(u.uploadId())));
            }
            s3.deleteBucket(b -> b.bucket(ub));
            return null;
        });
    }

    /**
     * Uploads a verified spool file as a new upstream version of {@code key} and returns its upstream version id.
     * Above the multipart threshold the file goes up in parts (the upstream ETag then differs from the MD5: the
     * version index keeps Dualkey's ETag).
     */
    String putFile(String bucket, String key, Path file, long size, byte[] md5) {
        String ub = bucket(bucket);
        if (size <= multipartThreshold) {
            return call(() -> s3.putObject(b -> b.bucket(ub).key(key).contentLength(size)
                    .contentMD5(Base64.getEncoder().encodeToString(md5)), RequestBody.fromFile(file)).versionId());
        }
        String uploadId = createUpload(bucket, key);
        try {
            List<CompletedPart> parts = new ArrayList<>();
            long off = 0;
            int n = 1;
            while (off < size) {
                long len = Math.min(partSize, size - off);
                parts.add(CompletedPart.builder().partNumber(n).eTag(uploadPart(bucket, key, uploadId, n, file,
                        off, len, null)).build());
                off += len;
                n++;
            }
            return completeUpload(bucket, key, uploadId, parts);
        } catch (RuntimeException e) {
            abortUploadQuietly(bucket, key, uploadId);
            throw e;
        }
    }

    /**
     * Deletes without a version id: the upstream adds a delete marker, whose version id is returned. S3 adds one
     * even for a key it has no version of; an upstream that does not (moto answers 204 without a marker or id) gets
     * an empty placeholder version first, which the marker then covers and which is removed at once: every marker
     * a client sees is an upstream version with its id.
     */
    String putDeleteMarker(String bucket, String key) {
        String id = call(() -> s3.deleteObject(b -> b.bucket(bucket(bucket)).key(key)).versionId());
        if (id != null) {
            return id;
        }
        String placeholder = call(() -> s3.putObject(b -> b.bucket(bucket(bucket)).key(key),
                software.amazon.awssdk.core.sync.RequestBody.empty()).versionId());
        String marker = call(() -> s3.deleteObject(b -> b.bucket(bucket(bucket)).key(key)).versionId());
        deleteVersion(bucket, key, placeholder);
        if (marker == null) {
            throw new dev.dualkey.storage.error.StorageIoException("the upstream created no delete marker for "
                    + bucket + "/" + key);
        }
        return marker;
    }

    /** Permanently removes one upstream version (or marker); absent is fine. */
    void deleteVersion(String bucket, String key, String upstreamVersionId) {
        call(() -> {
            try {
                s3.deleteObject(b -> b.bucket(bucket(bucket)).key(key).versionId(upstreamVersionId));
            } catch (S3Exception e) {
                if (e.statusCode() != 404) {
                    throw e;
                }
            }
            return null;
        });
    }

    /** True when the upstream still has this version (tests: "gone upstream too"). */
    boolean hasVersion(String bucket, String key, String upstreamVersionId) {
        return call(() -> {
            try {
                s3.headObject(b -> b.bucket(bucket(bucket)).key(key).versionId(upstreamVersionId));
                return true;
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    return false;
                }
                throw e;
            }
        });
    }

    /** A stream of {@code [offset, offset+length)} of one upstream version; {@code length > 0}. */
    InputStream openRange(String bucket, String key, String upstreamVersionId, long offset, long length) {
        ResponseInputStream<GetObjectResponse> in = call(() -> s3.getObject(b -> b.bucket(bucket(bucket)).key(key)
                .versionId(upstreamVersionId).range("bytes=" + offset + "-" + (offset + length - 1))));
        return in;
    }

    String createUpload(String bucket, String key) {
        return call(() -> s3.createMultipartUpload(b -> b.bucket(bucket(bucket)).key(key)).uploadId());
    }

    /** Uploads {@code [off, off+len)} of {@code file} as part {@code n}; returns the upstream part ETag. */
    String uploadPart(String bucket, String key, String uploadId, int n, Path file, long off, long len, byte[] md5) {
        return call(() -> {
            try (FileChannel ch = FileChannel.open(file)) {
                ch.position(off);
                InputStream in = Channels.newInputStream(ch);
                return s3.uploadPart(b -> {
                    b.bucket(bucket(bucket)).key(key).uploadId(uploadId).partNumber(n).contentLength(len);
                    if (md5 != null) {
                        b.contentMD5(Base64.getEncoder().encodeToString(md5));
                    }
                }, RequestBody.fromInputStream(in, len)).eTag();
            } catch (IOException e) {
                throw new StorageIoException("cannot read the spool file", e);
            }
        });
    }

    /** Completes an upstream upload; returns the new upstream version id. */
    String completeUpload(String bucket, String key, String uploadId, List<CompletedPart> parts) {
        return call(() -> s3.completeMultipartUpload(b -> b.bucket(bucket(bucket)).key(key).uploadId(uploadId)
                .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build())).versionId());
    }

    void abortUpload(String bucket, String key, String uploadId) {
        call(() -> {
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket(bucket)).key(key).uploadId(uploadId));
            } catch (S3Exception e) {
                if (e.statusCode() != 404) {
                    throw e;
                }
            }
            return null;
        });
    }

    void abortUploadQuietly(String bucket, String key, String uploadId) {
        try {
            abortUpload(bucket, key, uploadId);
        } catch (RuntimeException ignored) {
            // an orphan upload costs space only; the upstream's lifecycle (AbortIncompleteMultipartUpload) ends it
        }
    }

    private static String code(S3Exception e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    /** Runs one upstream call, mapping SDK failures to storage exceptions. */
    private static <T> T call(Supplier<T> action) {
        try {
            return action.get();
        } catch (S3Exception e) {
            if (e.statusCode() == 503 || e.statusCode() == 500 || "SlowDown".equals(code(e))) {
                throw new SlowDownException("The upstream S3 service is unavailable: " + e.getMessage(), e);
            }
            throw new StorageIoException("upstream S3 error " + e.statusCode() + " " + code(e) + ": "
                    + e.getMessage(), e);
        } catch (SdkClientException e) {
            throw new SlowDownException("The upstream S3 service cannot be reached: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new StorageIoException("upstream S3 failure: " + e.getMessage(), e);
        } catch (StorageException e) {
            throw e;
        }
    }

    @Override
    public void close() {
        s3.close();
    }
}
