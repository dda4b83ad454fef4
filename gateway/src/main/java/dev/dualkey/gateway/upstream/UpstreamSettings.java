package dev.dualkey.gateway.upstream;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where and how the upstream S3 service is reached.
 *
 * @param endpoint           the upstream's URL (path-style addressing is used: any S3 implementation serves it)
 * @param region             the region requests are signed for
 * @param accessKey          the gateway's upstream access key (DUALKEY_UPSTREAM_ACCESS_KEY)
 * @param secretKey          its secret (DUALKEY_UPSTREAM_SECRET_KEY)
 * @param caFile             PEM file of CA certificates to trust for an HTTPS upstream, or null for the JVM's
 * @param bucketPrefix       prepended to every Dualkey bucket name to name its upstream bucket ("" = none)
 * @param multipartThreshold bodies larger than this go upstream as a multipart upload (a PutObject is limited to
 *                           5 GiB), in parts of {@code partSize}
 * @param partSize           upstream part size for such bodies (>= 5 MiB: S3's minimum for all parts but the last)
 * @param spoolDir           where a body of unknown length (browser POST) is staged until verified (others pass
 *                           through), or null for the JVM's temp dir
 */
public record UpstreamSettings(URI endpoint, String region, String accessKey, String secretKey, Path caFile,
                               String bucketPrefix, long multipartThreshold, long partSize, Path spoolDir) {
    public static final long MIN_PART = 5L * 1024 * 1024;

    public UpstreamSettings {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
        bucketPrefix = bucketPrefix == null ? "" : bucketPrefix;
        if (partSize < MIN_PART) {
            throw new IllegalArgumentException("partSize must be at least 5 MiB");
        }
        if (multipartThreshold < partSize) {
            throw new IllegalArgumentException("multipartThreshold must be at least partSize");
        }
    }

    /** Defaults: no CA file, no prefix, multipart above 64 MiB in 16 MiB parts, the JVM's temp dir. */
    public static UpstreamSettings of(URI endpoint, String region, String accessKey, String secretKey) {
        return new UpstreamSettings(endpoint, region, accessKey, secretKey, null, "", 64L << 20, 16L << 20, null);
    }

    public UpstreamSettings withBucketPrefix(String prefix) {
        return new UpstreamSettings(endpoint, region, accessKey, secretKey, caFile, prefix, multipartThreshold,
                partSize, spoolDir);
    }

    public UpstreamSettings withCaFile(Path file) {
        return new UpstreamSettings(endpoint, region, accessKey, secretKey, file, bucketPrefix, multipartThreshold,
                partSize, spoolDir);
    }

    public UpstreamSettings withMultipart(long threshold, long part) {
        return new UpstreamSettings(endpoint, region, accessKey, secretKey, caFile, bucketPrefix, threshold, part,
                spoolDir);
    }
}
