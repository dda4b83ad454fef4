package dev.dualkey.gateway.s3.lock;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.gateway.s3.xml.XmlElement;
import dev.dualkey.gateway.s3.xml.XmlWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * A bucket's {@code ObjectLockConfiguration}: always {@code ObjectLockEnabled=Enabled}, optionally a default retention
 * (mode and Days or Years). Stored as the bucket sub-resource {@code object-lock}, in exactly the XML
 * {@link #toXml()} writes (GetObjectLockConfiguration echoes what was set: Days stays Days).
 *
 * <p>Validation (spec §1.2; ceph s3-tests {@code test_object_lock_put_obj_lock_*}; AWS): a missing or other
 * {@code ObjectLockEnabled}, an empty {@code Rule} or {@code DefaultRetention}, a mode other than {@code GOVERNANCE}
 * / {@code COMPLIANCE} (case-sensitive), neither or both of Days and Years, a non-integer: MalformedXML; a period
 * that is not positive: InvalidArgument "Default retention period must be a positive integer value." (what AWS
 * answers; s3-tests expects InvalidRetentionPeriod, RGW's code); more than 36500 days or 100 years (AWS's maximum):
 * InvalidRetentionPeriod.
 *
 * @param mode  default retention mode, or null when the configuration has no rule
 * @param days  default period in days, or null
 * @param years default period in years, or null
 */
public record LockConfiguration(String mode, Integer days, Integer years) {
    /** Sub-resource name under which the configuration is stored in {@code BucketConfig}. */
    public static final String SUBRESOURCE = "object-lock";
    /** The configuration of a bucket created with Object Lock: enabled, no default retention. */
    public static final LockConfiguration ENABLED_ONLY = new LockConfiguration(null, null, null);
    static final int MAX_DAYS = 36500;
    static final int MAX_YEARS = 100;

    /** Parses a PutObjectLockConfiguration body. */
    public static LockConfiguration parse(byte[] body) {
        XmlElement root = XmlElement.parse(body);
        if (!root.name().equals("ObjectLockConfiguration")
                || !root.childText("ObjectLockEnabled").map("Enabled"::equals).orElse(false)) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        Optional<XmlElement> rule = root.child("Rule");
        if (rule.isEmpty()) {
            return ENABLED_ONLY;
        }
        XmlElement retention = rule.get().child("DefaultRetention")
                .orElseThrow(() -> new S3Exception(S3ErrorCode.MALFORMED_XML));
        String mode = retention.childText("Mode").orElse(null);
        if (!LockHeaders.validMode(mode)) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        Integer days = integer(retention.childText("Days"));
        Integer years = integer(retention.childText("Years"));
        if ((days == null) == (years == null)) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        int value = days != null ? days : years;
        if (value <= 0) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT,
                    "Default retention period must be a positive integer value.")
                    .with("ArgumentName", days != null ? "Days" : "Years")
                    .with("ArgumentValue", Integer.toString(value));
        }
        if (days != null ? days > MAX_DAYS : years > MAX_YEARS) {
            throw new S3Exception(S3ErrorCode.INVALID_RETENTION_PERIOD,
                    "Default retention period cannot exceed 100 years.");
        }
        return new LockConfiguration(mode, days, years);
    }

    private static Integer integer(Optional<String> text) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return Integer.valueOf(text.get());
        } catch (NumberFormatException e) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
    }

    /** Parses of stored documents: every PutObject to a lock bucket reads its configuration (bounded, by content). */
    private static final java.util.Map<String, LockConfiguration> PARSED = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_CACHED = 1024;

    /** Reads the stored form back (null = no configuration stored). */
    public static LockConfiguration fromStored(String stored) {
        if (stored == null) {
            return null;
        }
        LockConfiguration cached = PARSED.get(stored);
        if (cached != null) {
            return cached;
        }
        LockConfiguration parsed = parse(stored.getBytes(StandardCharsets.UTF_8));
        if (PARSED.size() >= MAX_CACHED) {
            PARSED.clear();
        }
        PARSED.put(stored, parsed);
        return parsed;
    }

    /** Whether writes get a default retention. */
    public boolean hasDefaultRetention() {
        return mode != null;
    }

    /** The retain-until date a version written at {@code now} gets by default (exact, not rounded; years are calendar years). */
    public Instant defaultRetainUntil(Instant now) {
        return days != null ? now.plus(java.time.Duration.ofDays(days))
                : now.atOffset(ZoneOffset.UTC).plusYears(years).toInstant();
    }

    /** The GetObjectLockConfiguration document, which is also the stored form. */
    public XmlWriter toXml() {
        XmlWriter w = XmlWriter.s3("ObjectLockConfiguration").element("ObjectLockEnabled", "Enabled");
        if (mode != null) {
            w.start("Rule").start("DefaultRetention").element("Mode", mode);
            if (days != null) {
                w.element("Days", days);
            } else {
                w.element("Years", years);
            }
            w.end().end();
        }
        return w;
    }

    /** The stored form. */
    public String stored() {
        return new String(toXml().toBytes(), StandardCharsets.UTF_8);
    }
}
