package dev.dualkey.gateway.upstream;

import dev.dualkey.storage.error.BucketAlreadyExistsException;
import dev.dualkey.storage.error.SlowDownException;
import dev.dualkey.storage.error.StorageException;
import dev.dualkey.storage.error.StorageIoException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
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
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * The upstream S3 service as the store uses it: one upstream bucket per Dualkey bucket ({@code prefix + name}),
 * always versioning-Enabled, addressed by upstream version id only (never "the latest": which version is current
 * is the version index's decision). Bodies go up as streams of a known length, read once (as they arrive from the
 * client: {@link BodyPipe}), and come down as streams of a ranged GET.
 *
 * <p>Errors: a throttling or unavailable upstream (HTTP 503, 500, connection failures) is SlowDown (clients retry);
 * anything else unexpected is an I/O error. Callers translate the expected 404s themselves.
 */
final class Upstream implements AutoCloseable {
    private final S3Client s3;
    /** The same client without retries, for bodies read once as they arrive (a retry cannot replay them). */
    private final S3Client streaming;
    private final software.amazon.awssdk.http.SdkHttpClient http;
    private final String prefix;
    private final long partSize;
    private final long multipartThreshold;

    Upstream(UpstreamSettings settings) {
        ApacheHttpClient.Builder httpBuilder = ApacheHttpClient.builder().maxConnections(64)
                .connectionTimeout(Duration.ofSeconds(10)).socketTimeout(Duration.ofSeconds(60));
        if (settings.caFile() != null) {
            TrustManagerFactory tmf = trustManagers(settings.caFile());
            httpBuilder.tlsTrustManagersProvider(tmf::getTrustManagers);
        }
        this.http = httpBuilder.build();
        this.s3 = client(settings, this.http).build();
        this.streaming = client(settings, this.http)
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1))).build();
        this.prefix = settings.bucketPrefix();
        this.partSize = settings.partSize();
        this.multipartThreshold = settings.multipartThreshold();
    }

    private static software.amazon.awssdk.services.s3.S3ClientBuilder client(
            UpstreamSettings settings, software.amazon.awssdk.http.SdkHttpClient http) {
        return S3Client.builder().endpointOverride(settings.endpoint()).region(Region.of(settings.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKey(), settings.secretKey())))
                .forcePathStyle(true).httpClient(http);
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

    /** Whether the upstream bucket exists (a DeleteBucket interrupted after the upstream step: it does not). */
    boolean bucketExists(String bucket) {
        return call(() -> {
            try {
                s3.headBucket(b -> b.bucket(bucket(bucket)));
                return true;
            } catch (software.amazon.awssdk.services.s3.model.NoSuchBucketException e) {
                return false;
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    return false;
                }
                throw e;
            }
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
     * What the upstream answered for a body: the new version's id (null for a part), its ETag (quotes removed) and
     * the upstream's server-side encryption, which decides whether that ETag is the body's MD5.
     */
    record Sent(String versionId, String etag, String sse) {
        /**
         * True when the upstream's ETag is known to be the MD5 of what it stored (a single-part body, unencrypted or
         * SSE-S3: S3's rule) and differs from {@code md5}: the upstream holds other bytes than were verified.
         */
        boolean contradicts(byte[] md5) {
            String hex = md5Hex();
            return hex != null && !hex.equals(java.util.HexFormat.of().formatHex(md5));
        }

        /** The ETag as the body's MD5 (hex), when the upstream's rule makes it one; else null. */
        String md5Hex() {
            return etag != null && PLAIN_ETAG.matcher(etag).matches() && (sse == null || !sse.startsWith("aws:kms"))
                    ? etag.toLowerCase(java.util.Locale.ROOT) : null;
        }

        static Sent of(String versionId, String etag, ServerSideEncryption sse) {
            return new Sent(versionId, etag == null ? null : etag.replace("\"", ""),
                    sse == null ? null : sse.toString());
        }
    }

    private static final java.util.regex.Pattern PLAIN_ETAG = java.util.regex.Pattern.compile("[0-9a-fA-F]{32}");

    /**
     * Sends exactly {@code size} bytes of {@code in} as a new upstream version of {@code key}. Above the multipart
     * threshold they go up as a multipart upload of {@code partSize} parts read one after the other from the same
     * stream (the upstream ETag then differs from the MD5: the version index keeps Dualkey's ETag). The stream is
     * read once: a failed request is not retried (the client retries the whole request).
     */
    Sent putStream(String bucket, String key, InputStream in, long size) {
        String ub = bucket(bucket);
        if (size <= multipartThreshold) {
            return call(() -> {
                var r = streaming.putObject(b -> b.bucket(ub).key(key).contentLength(size), once(in, size));
                return Sent.of(r.versionId(), r.eTag(), r.serverSideEncryption());
            });
        }
        long part = Math.max(partSize, (size + MAX_PARTS - 1) / MAX_PARTS);
        String uploadId = createUpload(bucket, key);
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int n = 1;
            for (long off = 0; off < size; off += part, n++) {
                long len = Math.min(part, size - off);
                Sent p = uploadPartStream(bucket, key, uploadId, n, new Limited(in, len), len);
                parts.add(CompletedPart.builder().partNumber(n).eTag('"' + p.etag() + '"').build());
            }
            return new Sent(completeUpload(bucket, key, uploadId, parts), null, null);
        } catch (RuntimeException e) {
            abortUploadQuietly(bucket, key, uploadId);
            throw e;
        }
    }

    private static final long MAX_PARTS = 10_000;

    /** A request body read once from {@code in}; a second read (an HTTP client's retry) fails the request. */
    private static RequestBody once(InputStream in, long size) {
        java.util.concurrent.atomic.AtomicBoolean given = new java.util.concurrent.atomic.AtomicBoolean();
        return RequestBody.fromContentProvider(() -> {
            if (!given.compareAndSet(false, true)) {
                throw new IllegalStateException("a body forwarded as it arrives cannot be sent twice");
            }
            return in;
        }, size, "application/octet-stream");
    }

    /** The next {@code left} bytes of a stream, whose close leaves the stream open. */
    private static final class Limited extends InputStream {
        private final InputStream in;
        private long left;

        Limited(InputStream in, long left) {
            this.in = in;
            this.left = left;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public void close() {
            // the next part reads on
        }
    }

    /**
     * Copies one upstream version into a new version of {@code dstKey} inside the upstream (CopyObject; above the
     * multipart threshold a multipart upload of UploadPartCopy ranges): no byte passes through the gateway.
     */
    Sent copyVersion(String srcBucket, String srcKey, String srcUpstreamId, String dstBucket, String dstKey,
                     long size) {
        if (size <= multipartThreshold) {
            return call(() -> {
                var r = s3.copyObject(b -> b.sourceBucket(bucket(srcBucket)).sourceKey(srcKey)
                        .sourceVersionId(srcUpstreamId).destinationBucket(bucket(dstBucket)).destinationKey(dstKey));
                return Sent.of(r.versionId(), r.copyObjectResult().eTag(), r.serverSideEncryption());
            });
        }
        long part = Math.max(partSize, (size + MAX_PARTS - 1) / MAX_PARTS);
        String uploadId = createUpload(dstBucket, dstKey);
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int n = 1;
            for (long off = 0; off < size; off += part, n++) {
                Sent p = copyPart(srcBucket, srcKey, srcUpstreamId, off, Math.min(part, size - off), dstBucket,
                        dstKey, uploadId, n);
                parts.add(CompletedPart.builder().partNumber(n).eTag('"' + p.etag() + '"').build());
            }
            return new Sent(completeUpload(dstBucket, dstKey, uploadId, parts), null, null);
        } catch (RuntimeException e) {
            abortUploadQuietly(dstBucket, dstKey, uploadId);
            throw e;
        }
    }

    /** UploadPartCopy of {@code [first, first+length)} of one upstream version as part {@code n}; length > 0. */
    Sent copyPart(String srcBucket, String srcKey, String srcUpstreamId, long first, long length, String dstBucket,
                  String dstKey, String uploadId, int n) {
        return call(() -> {
            var r = s3.uploadPartCopy(b -> b.sourceBucket(bucket(srcBucket)).sourceKey(srcKey)
                    .sourceVersionId(srcUpstreamId).copySourceRange("bytes=" + first + "-" + (first + length - 1))
                    .destinationBucket(bucket(dstBucket)).destinationKey(dstKey).uploadId(uploadId).partNumber(n));
            return Sent.of(null, r.copyPartResult().eTag(), r.serverSideEncryption());
        });
    }

    /** Calls {@code each} with (key, version id) of every upstream version and delete marker of the bucket. */
    void forEachVersion(String bucket, java.util.function.BiConsumer<String, String> each) {
        call(() -> {
            for (var page : s3.listObjectVersionsPaginator(b -> b.bucket(bucket(bucket)))) {
                page.versions().forEach(v -> each.accept(v.key(), v.versionId()));
                page.deleteMarkers().forEach(v -> each.accept(v.key(), v.versionId()));
            }
            return null;
        });
    }

    /** Calls {@code each} with (key, upload id) of every upstream multipart upload in progress in the bucket. */
    void forEachUpload(String bucket, java.util.function.BiConsumer<String, String> each) {
        call(() -> {
            for (var page : s3.listMultipartUploadsPaginator(b -> b.bucket(bucket(bucket)))) {
                page.uploads().forEach(u -> each.accept(u.key(), u.uploadId()));
            }
            return null;
        });
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

    /** Sends exactly {@code len} bytes of {@code in} as part {@code n} of an upstream upload. */
    Sent uploadPartStream(String bucket, String key, String uploadId, int n, InputStream in, long len) {
        return call(() -> {
            var r = streaming.uploadPart(b -> b.bucket(bucket(bucket)).key(key).uploadId(uploadId).partNumber(n)
                    .contentLength(len), once(in, len));
            return Sent.of(null, r.eTag(), r.serverSideEncryption());
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
        streaming.close();
        http.close();
    }
}
