package dev.dualkey.storage;

import dev.dualkey.storage.model.ChecksumAlgorithm;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * How a body is written (not to be confused with RocksDB's write options, which never leave the
 * implementation).
 *
 * @param ownerAccountId      account recorded as the version's owner; null = the bucket owner
 * @param checksumAlgorithms  flexible checksums to compute while bytes pass (and store with the version)
 * @param computeSha256       also compute a SHA-256 of the body, readable via {@link BodyWriter#sha256()} before
 *                            commit (for SigV4 {@code x-amz-content-sha256} verification); not stored unless SHA256 is
 *                            also in {@code checksumAlgorithms}
 * @param ifNoneMatchAny      conditional write {@code If-None-Match: *}: fail with PreconditionFailed at commit when
 *                            the key has a current (non-marker) version
 * @param ifMatchEtag         conditional write {@code If-Match}: fail at commit unless the current version has this
 *                            ETag (unquoted); null = no condition
 */
public record WriteOptions(String ownerAccountId, Set<ChecksumAlgorithm> checksumAlgorithms, boolean computeSha256,
                           boolean ifNoneMatchAny, String ifMatchEtag) {
    public WriteOptions {
        Objects.requireNonNull(checksumAlgorithms, "checksumAlgorithms");
        checksumAlgorithms = checksumAlgorithms.isEmpty() ? Set.of()
                : Set.copyOf(EnumSet.copyOf(checksumAlgorithms));
    }

    /** Owner = bucket owner, no checksums, no SHA-256, unconditional. */
    public static WriteOptions defaults() {
        return new WriteOptions(null, Set.of(), false, false, null);
    }

    public WriteOptions withOwner(String accountId) {
        return new WriteOptions(accountId, checksumAlgorithms, computeSha256, ifNoneMatchAny, ifMatchEtag);
    }

    public WriteOptions withChecksums(Set<ChecksumAlgorithm> algorithms) {
        return new WriteOptions(ownerAccountId, algorithms, computeSha256, ifNoneMatchAny, ifMatchEtag);
    }

    public WriteOptions withSha256(boolean compute) {
        return new WriteOptions(ownerAccountId, checksumAlgorithms, compute, ifNoneMatchAny, ifMatchEtag);
    }

    public WriteOptions withIfNoneMatchAny(boolean on) {
        return new WriteOptions(ownerAccountId, checksumAlgorithms, computeSha256, on, ifMatchEtag);
    }

    public WriteOptions withIfMatchEtag(String etag) {
        return new WriteOptions(ownerAccountId, checksumAlgorithms, computeSha256, ifNoneMatchAny, etag);
    }
}
