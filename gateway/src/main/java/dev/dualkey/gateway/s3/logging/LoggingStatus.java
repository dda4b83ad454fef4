package dev.dualkey.gateway.s3.logging;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.gateway.s3.xml.XmlElement;
import dev.dualkey.gateway.s3.xml.XmlWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A bucket's {@code LoggingEnabled} configuration (botocore shape {@code LoggingEnabled}): where its access log
 * objects go and how their keys are formed. Stored as {@code BucketConfig.subresource("logging")} in the canonical
 * XML that GetBucketLogging answers ({@link #toXml}); absent when logging is off.
 *
 * @param targetBucket  the bucket receiving the log objects
 * @param targetPrefix  key prefix of the log objects (may be empty)
 * @param grants        TargetGrants as sent, echoed by GetBucketLogging
 * @param partitioned   TargetObjectKeyFormat is PartitionedPrefix (else SimplePrefix or absent)
 * @param dateSource    PartitionDateSource ({@code EventTime} or {@code DeliveryTime}) when partitioned, else null
 * @param simplePrefix  TargetObjectKeyFormat/SimplePrefix was given (echoed)
 */
public record LoggingStatus(String targetBucket, String targetPrefix, List<TargetGrant> grants, boolean partitioned,
                            String dateSource, boolean simplePrefix) {
    private static final Set<String> PERMISSIONS = Set.of("FULL_CONTROL", "READ", "WRITE");
    private static final Set<String> DATE_SOURCES = Set.of("EventTime", "DeliveryTime");

    public LoggingStatus {
        Objects.requireNonNull(targetBucket, "targetBucket");
        Objects.requireNonNull(targetPrefix, "targetPrefix");
        grants = List.copyOf(grants);
    }

    /** One TargetGrant: exactly one of id, uri or email names the grantee. */
    public record TargetGrant(String type, String id, String displayName, String uri, String email,
                              String permission) {
    }

    /**
     * Parses a PutBucketLogging body; empty (no {@code LoggingEnabled}) means "turn logging off" and gives null.
     *
     * @throws S3Exception MalformedXML on anything but AWS's shape
     */
    public static LoggingStatus parse(byte[] body) {
        XmlElement root = XmlElement.parse(body);
        if (!root.name().equals("BucketLoggingStatus")) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        XmlElement enabled = root.child("LoggingEnabled").orElse(null);
        if (enabled == null) {
            return null;
        }
        String bucket = enabled.childText("TargetBucket").filter(s -> !s.isEmpty())
                .orElseThrow(() -> new S3Exception(S3ErrorCode.MALFORMED_XML));
        String prefix = enabled.child("TargetPrefix").map(XmlElement::rawText)
                .orElseThrow(() -> new S3Exception(S3ErrorCode.MALFORMED_XML));
        List<TargetGrant> grants = new ArrayList<>();
        for (XmlElement list : enabled.children("TargetGrants")) {
            for (XmlElement g : list.children("Grant")) {
                XmlElement grantee = g.child("Grantee").orElseThrow(() -> new S3Exception(S3ErrorCode.MALFORMED_XML));
                String permission = g.childText("Permission").orElse("");
                if (!PERMISSIONS.contains(permission)) {
                    throw new S3Exception(S3ErrorCode.MALFORMED_XML);
                }
                String id = grantee.childText("ID").orElse(null);
                String uri = grantee.childText("URI").orElse(null);
                String email = grantee.childText("EmailAddress").orElse(null);
                int named = (id != null ? 1 : 0) + (uri != null ? 1 : 0) + (email != null ? 1 : 0);
                if (named != 1) {
                    throw new S3Exception(S3ErrorCode.MALFORMED_XML);
                }
                String type = id != null ? "CanonicalUser" : uri != null ? "Group" : "AmazonCustomerByEmail";
                grants.add(new TargetGrant(type, id, grantee.childText("DisplayName").orElse(null), uri, email,
                        permission));
            }
        }
        boolean partitioned = false;
        boolean simple = false;
        String dateSource = null;
        XmlElement format = enabled.child("TargetObjectKeyFormat").orElse(null);
        if (format != null) {
            simple = format.child("SimplePrefix").isPresent();
            XmlElement p = format.child("PartitionedPrefix").orElse(null);
            if (simple == (p != null)) {
                throw new S3Exception(S3ErrorCode.MALFORMED_XML); // exactly one of the two
            }
            if (p != null) {
                partitioned = true;
                dateSource = p.childText("PartitionDateSource").orElse("EventTime");
                if (!DATE_SOURCES.contains(dateSource)) {
                    throw new S3Exception(S3ErrorCode.MALFORMED_XML);
                }
            }
        }
        return new LoggingStatus(bucket, prefix, grants, partitioned, dateSource, simple);
    }

    /** The stored form of this configuration (see {@link #toXml}). */
    public String toDocument() {
        return new String(toXml(this).toBytes(), StandardCharsets.UTF_8);
    }

    /** The stored configuration, or null when none. */
    public static LoggingStatus fromDocument(String document) {
        return document == null ? null : parse(document.getBytes(StandardCharsets.UTF_8));
    }

    /** GetBucketLogging's document for {@code status} (null: logging off, an empty BucketLoggingStatus). */
    public static XmlWriter toXml(LoggingStatus status) {
        XmlWriter w = XmlWriter.s3("BucketLoggingStatus");
        if (status == null) {
            return w;
        }
        w.start("LoggingEnabled").element("TargetBucket", status.targetBucket())
                .element("TargetPrefix", status.targetPrefix());
        if (!status.grants().isEmpty()) {
            w.start("TargetGrants");
            for (TargetGrant g : status.grants()) {
                w.start("Grant").start("Grantee").xsiType(g.type());
                if (g.id() != null) {
                    w.element("ID", g.id());
                }
                if (g.displayName() != null) {
                    w.element("DisplayName", g.displayName());
                }
                if (g.uri() != null) {
                    w.element("URI", g.uri());
                }
                if (g.email() != null) {
                    w.element("EmailAddress", g.email());
                }
                w.end().element("Permission", g.permission()).end();
            }
            w.end();
        }
        if (status.partitioned()) {
            w.start("TargetObjectKeyFormat").start("PartitionedPrefix")
                    .element("PartitionDateSource", status.dateSource()).end().end();
        } else if (status.simplePrefix()) {
            w.start("TargetObjectKeyFormat").start("SimplePrefix").end().end();
        }
        return w.end();
    }
}
