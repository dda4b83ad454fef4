package dev.dualkey.gateway.s3.lock;

import dev.dualkey.gateway.authz.Check;
import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.gateway.s3.xml.XmlWriter;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.retention.RetentionGuard;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The Object Lock headers of object writes (PutObject, CopyObject, CreateMultipartUpload) and reads
 * (GetObject, HeadObject), as S3 sends and answers them (spec §1.1, §1.4, §1.6):
 * {@code x-amz-object-lock-mode}, {@code x-amz-object-lock-retain-until-date} (ISO-8601, even in a header) and
 * {@code x-amz-object-lock-legal-hold}.
 */
public final class LockHeaders {
    static final String MODE = "x-amz-object-lock-mode";
    static final String UNTIL = "x-amz-object-lock-retain-until-date";
    static final String HOLD = "x-amz-object-lock-legal-hold";
    /** Per-version attribute: the legal hold was set at least once ("ON" / "OFF"). */
    public static final String HOLD_ATTRIBUTE = "object-lock-legal-hold";
    static final String MISSING_LOCK = "Bucket is missing Object Lock Configuration";
    static final String BOTH = "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied";
    /** AWS's date format in {@code ArgumentValue} of "must be in the future" (a Java Date's toString). */
    private static final DateTimeFormatter JAVA_DATE = DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss zzz yyyy",
            Locale.US).withZone(ZoneId.of("UTC"));

    private LockHeaders() {
    }

    /** Whether {@code mode} is one of S3's two retention modes (case-sensitive, as S3). */
    static boolean validMode(String mode) {
        return RetentionGuard.GOVERNANCE.equals(mode) || RetentionGuard.COMPLIANCE.equals(mode);
    }

    /** Parses an ISO-8601 date with offset ({@code Z}, fractions and {@code +hh:mm} accepted), or null. */
    static Instant parseDate(String s) {
        try {
            return OffsetDateTime.parse(s.trim()).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** S3's "in the past" refusal of a retain-until date. */
    static S3Exception notInFuture(Instant until) {
        return new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "The retain until date must be in the future!")
                .with("ArgumentName", "RetainUntilDate").with("ArgumentValue", JAVA_DATE.format(until));
    }

    /** Whether the request carries any of the three lock headers. */
    static boolean present(S3Request req) {
        return req.header(MODE) != null || req.header(UNTIL) != null || req.header(HOLD) != null;
    }

    /**
     * The metadata of a new version with the lock the request asks for: explicit headers, else the bucket's default
     * retention from {@code now}. Never copies a source's lock (CopyObject passes the source metadata with the lock
     * cleared by {@link #withoutLock}).
     *
     * @throws S3Exception InvalidRequest when the bucket has no Object Lock, InvalidArgument for a lone mode or date,
     *                     an unknown mode, a bad date or legal hold value
     */
    public static ObjectMetadata applyToWrite(S3Request req, BucketInfo bucket, ObjectMetadata meta, Instant now) {
        String mode = req.header(MODE);
        String untilText = req.header(UNTIL);
        String hold = req.header(HOLD);
        boolean explicit = mode != null || untilText != null || hold != null;
        if (explicit && !bucket.config().objectLockEnabled()) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, MISSING_LOCK);
        }
        ObjectMetadata.Builder b = meta.toBuilder();
        if (mode != null || untilText != null) {
            if (mode == null || untilText == null) {
                throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, BOTH)
                        .with("ArgumentName", mode == null ? MODE : UNTIL);
            }
            if (!validMode(mode)) {
                throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Unknown wormMode directive.")
                        .with("ArgumentName", MODE).with("ArgumentValue", mode);
            }
            Instant until = parseDate(untilText);
            if (until == null) {
                throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT,
                        "The retain until date must be provided in ISO 8601 format")
                        .with("ArgumentName", UNTIL).with("ArgumentValue", untilText);
            }
            if (!until.isAfter(now)) {
                throw notInFuture(until);
            }
            b.retention(mode, until);
        } else if (bucket.config().objectLockEnabled()) {
            LockConfiguration config = LockConfiguration.fromStored(
                    bucket.config().subresource(LockConfiguration.SUBRESOURCE));
            if (config != null && config.hasDefaultRetention()) {
                b.retention(config.mode(), config.defaultRetainUntil(now));
            }
        }
        if (hold != null) {
            if (!hold.equals("ON") && !hold.equals("OFF")) {
                throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Legal Hold must be either of 'ON' or 'OFF'")
                        .with("ArgumentName", HOLD).with("ArgumentValue", hold);
            }
            b.legalHold(hold.equals("ON")).attribute(HOLD_ATTRIBUTE, hold);
        }
        return b.build();
    }

    /** {@code meta} without any Object Lock state: a copy never inherits its source's lock (AWS). */
    public static ObjectMetadata withoutLock(ObjectMetadata meta) {
        return meta.toBuilder().retention(null, null).legalHold(false).attribute(HOLD_ATTRIBUTE, null).build();
    }

    /**
     * PutObject's integrity rule: a write that carries lock parameters, or lands in a bucket with default retention,
     * needs {@code Content-MD5} or an {@code x-amz-checksum-*} value (header or trailer). AWS's message.
     */
    public static void requireChecksumForLockedPut(S3Request req, ObjectMetadata written) {
        boolean locked = written.retentionMode() != null || req.header(HOLD) != null;
        if (!locked || ChecksumRequired.present(req)) {
            return;
        }
        throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "Content-MD5 OR x-amz-checksum- HTTP header is required"
                + " for Put Object requests with Object Lock parameters");
    }

    /**
     * UploadPart's integrity rule (issue 15): a part of an upload whose object will be locked (retention from
     * CreateMultipartUpload's headers or the bucket's default retention, or a legal-hold header, all kept by the
     * upload) needs {@code Content-MD5} or an {@code x-amz-checksum-*} value, as PutObject does: S3's model says of
     * UploadPart's Content-MD5 "This parameter is required if object lock parameters are specified". AWS's message
     * (the PutObject one; S3 words the rule once). The upload is read only when the request carries no checksum.
     *
     * @throws dev.dualkey.storage.error.NoSuchUploadException when the upload does not exist
     */
    public static void requireChecksumForLockedPart(S3Request req, ObjectStore store, String uploadId) {
        if (ChecksumRequired.present(req)) {
            return;
        }
        ObjectMetadata m = store.listParts(req.bucket(), req.key(), uploadId, 0, 0).upload().metadata();
        if (m.retentionMode() != null || m.legalHold() || m.attribute(HOLD_ATTRIBUTE) != null) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "Content-MD5 OR x-amz-checksum- HTTP header is"
                    + " required for Put Object requests with Object Lock parameters");
        }
    }

    /**
     * The lock headers of GetObject / HeadObject: mode and date only to a caller allowed {@code s3:GetObjectRetention},
     * the legal hold only to one allowed {@code s3:GetObjectLegalHold} (AWS); the read itself succeeds either way.
     */
    public static void addResponseHeaders(Reply reply, ObjectVersion v, S3Request req) {
        ObjectMetadata m = v.metadata();
        if (m.retentionMode() != null && m.retainUntil() != null
                && req.access().allows(Check.object("s3:GetObjectRetention", req.bucket(), req.key()))) {
            reply.header(MODE, m.retentionMode()).header(UNTIL, XmlWriter.isoTime(m.retainUntil()));
        }
        String hold = legalHoldStatus(m);
        if (hold != null && req.access().allows(Check.object("s3:GetObjectLegalHold", req.bucket(), req.key()))) {
            reply.header(HOLD, hold);
        }
    }

    /** "ON", "OFF" (set once, now off) or null (never set). */
    public static String legalHoldStatus(ObjectMetadata m) {
        if (m.legalHold()) {
            return "ON";
        }
        return m.attribute(HOLD_ATTRIBUTE) != null ? "OFF" : null;
    }

    /** Whether any checksum algorithm header names this (used by {@link ChecksumRequired}). */
    static boolean anyChecksumHeader(S3Request req) {
        for (ChecksumAlgorithm a : ChecksumAlgorithm.values()) {
            if (req.header("x-amz-checksum-" + a.headerSuffix()) != null) {
                return true;
            }
        }
        return false;
    }
}
