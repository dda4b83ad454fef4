package dev.dualkey.gateway.lifecycle;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.gateway.s3.xml.XmlElement;
import dev.dualkey.gateway.s3.xml.XmlWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A bucket's lifecycle configuration (botocore {@code BucketLifecycleConfiguration}): parsed and validated from a
 * PutBucketLifecycleConfiguration body with AWS's errors, stored as the canonical XML {@link #toXml()} writes
 * (which GetBucketLifecycleConfiguration returns as is), and parsed back from the store through a small cache (the
 * {@code x-amz-expiration} header reads it on every GET, HEAD and PUT of a bucket that has one).
 *
 * <p>Validation, with AWS's codes and messages where they are known:
 * <ul>
 *   <li>not one {@code LifecycleConfiguration} of 1..1000 {@code Rule}s, unknown elements, a Status other than
 *       {@code Enabled}/{@code Disabled}, both or neither of {@code Filter} and the legacy {@code Prefix}, a
 *       {@code Filter} with more than one condition outside {@code And}, both Days and Date, non-numbers: 400
 *       MalformedXML;</li>
 *   <li>a non-positive Days / NoncurrentDays / DaysAfterInitiation: 400 InvalidArgument "'Days' for Expiration
 *       action must be a positive integer" (and the like); a Date not at midnight UTC: InvalidArgument; an ID over
 *       255 characters or used twice: InvalidArgument;</li>
 *   <li>a rule without action, more than 1000 rules, AbortIncompleteMultipartUpload or ExpiredObjectDeleteMarker
 *       with tags, overlapping legacy prefixes with the same action: 400 InvalidRequest;</li>
 *   <li>{@code Transition} / {@code NoncurrentVersionTransition}: 501 NotImplemented. Dualkey has one storage
 *       class; accepting a transition and never performing it would tell a client its data moved when it did
 *       not, so it is refused where the client sees it (decision in the report).</li>
 * </ul>
 *
 * @param rules the rules in request order
 */
public record LifecycleConfiguration(List<LifecycleRule> rules) {
    /** The bucket sub-resource name the document is stored under. */
    public static final String SUBRESOURCE = "lifecycle";
    /** AWS's limit of rules per configuration. */
    public static final int MAX_RULES = 1000;
    /** AWS's limit of NewerNoncurrentVersions. */
    public static final int MAX_NEWER_NONCURRENT = 100;

    /** Parses by document, least recently used first out; bounded in entries and in document characters. */
    private static final Cache CACHE = new Cache(256, 8 * 1024 * 1024);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

    public LifecycleConfiguration {
        rules = List.copyOf(rules);
    }

    /** The configuration stored as {@code document} (canonical XML written by {@link #toXml()}), cached. */
    public static LifecycleConfiguration fromStored(String document) {
        Objects.requireNonNull(document, "document");
        LifecycleConfiguration c = CACHE.get(document);
        if (c == null) {
            c = parse(document.getBytes(StandardCharsets.UTF_8));
            CACHE.put(document, c);
        }
        return c;
    }

    /** A small LRU map, so many buckets with large configurations cannot fill the heap. */
    private static final class Cache {
        private final int maxEntries;
        private final long maxChars;
        private long chars;
        private final java.util.LinkedHashMap<String, LifecycleConfiguration> map =
                new java.util.LinkedHashMap<>(16, 0.75f, true);

        Cache(int maxEntries, long maxChars) {
            this.maxEntries = maxEntries;
            this.maxChars = maxChars;
        }

        synchronized LifecycleConfiguration get(String doc) {
            return map.get(doc);
        }

        synchronized void put(String doc, LifecycleConfiguration c) {
            if (doc.length() > maxChars || map.containsKey(doc)) {
                return;
            }
            map.put(doc, c);
            chars += doc.length();
            var it = map.entrySet().iterator();
            while ((map.size() > maxEntries || chars > maxChars) && it.hasNext()) {
                chars -= it.next().getKey().length();
                it.remove();
            }
        }
    }

    /**
     * Parses and validates a PutBucketLifecycleConfiguration body.
     *
     * @throws S3Exception with AWS's error for the first problem found
     */
    public static LifecycleConfiguration parse(byte[] body) {
        XmlElement root = XmlElement.parse(body);
        if (!root.name().equals("LifecycleConfiguration")) {
            throw malformed();
        }
        onlyChildren(root, Set.of("Rule"));
        List<XmlElement> ruleElements = root.children("Rule");
        if (ruleElements.isEmpty()) {
            throw malformed();
        }
        if (ruleElements.size() > MAX_RULES) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST,
                    "Lifecycle configuration has more than the allowed limit of " + MAX_RULES + " rules");
        }
        List<LifecycleRule> rules = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (XmlElement r : ruleElements) {
            LifecycleRule rule = parseRule(r);
            if (!ids.add(rule.id())) {
                throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT,
                        "Rule ID must be unique. Found same ID for more than one rule")
                        .with("ArgumentName", "ID").with("ArgumentValue", rule.id());
            }
            rules.add(rule);
        }
        checkLegacyOverlaps(rules);
        return new LifecycleConfiguration(rules);
    }

    private static LifecycleRule parseRule(XmlElement r) {
        onlyChildren(r, Set.of("ID", "Status", "Filter", "Prefix", "Expiration", "NoncurrentVersionExpiration",
                "AbortIncompleteMultipartUpload", "Transition", "Transitions", "NoncurrentVersionTransition",
                "NoncurrentVersionTransitions"));
        for (String t : List.of("Transition", "Transitions", "NoncurrentVersionTransition",
                "NoncurrentVersionTransitions")) {
            if (r.child(t).isPresent()) {
                throw new S3Exception(S3ErrorCode.NOT_IMPLEMENTED, "Lifecycle " + t + " actions are not"
                        + " implemented: Dualkey has a single storage class (STANDARD)");
            }
        }
        String id = single(r, "ID").map(XmlElement::rawText).orElse(null);
        if (id == null || id.isEmpty()) {
            id = generatedId();
        }
        if (id.length() > 255) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT,
                    "ID length should not exceed allowed limit of 255")
                    .with("ArgumentName", "ID").with("ArgumentValue", id.substring(0, 255));
        }
        String status = single(r, "Status").map(XmlElement::text).orElseThrow(LifecycleConfiguration::malformed);
        boolean enabled = switch (status) {
            case "Enabled" -> true;
            case "Disabled" -> false;
            default -> throw malformed();
        };
        LifecycleFilter filter = parseFilter(r);

        Integer days = null;
        Instant date = null;
        Boolean marker = null;
        var expiration = single(r, "Expiration");
        if (expiration.isPresent()) {
            XmlElement e = expiration.get();
            onlyChildren(e, Set.of("Days", "Date", "ExpiredObjectDeleteMarker"));
            days = single(e, "Days").map(x -> positive(x, "'Days' for Expiration action must be a positive"
                    + " integer", "Days")).orElse(null);
            date = single(e, "Date").map(LifecycleConfiguration::midnight).orElse(null);
            marker = single(e, "ExpiredObjectDeleteMarker").map(x -> bool(x.text())).orElse(null);
            if (days != null && date != null) {
                throw malformed();
            }
            if (days == null && date == null && marker == null) {
                throw malformed();
            }
            if (marker != null && (days != null || date != null)) {
                throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "ExpiredObjectDeleteMarker cannot be specified"
                        + " with Days or Date in a Lifecycle Expiration Policy.");
            }
            if (marker != null && filter.hasTags()) {
                throw new S3Exception(S3ErrorCode.INVALID_REQUEST,
                        "ExpiredObjectDeleteMarker cannot be specified with tags.");
            }
        }
        Integer noncurrentDays = null;
        Integer newer = null;
        var nve = single(r, "NoncurrentVersionExpiration");
        if (nve.isPresent()) {
            XmlElement e = nve.get();
            onlyChildren(e, Set.of("NoncurrentDays", "NewerNoncurrentVersions"));
            noncurrentDays = single(e, "NoncurrentDays").map(x -> positive(x, "'NoncurrentDays' for"
                    + " NoncurrentVersionExpiration action must be a positive integer", "NoncurrentDays"))
                    .orElse(null);
            newer = single(e, "NewerNoncurrentVersions").map(x -> positive(x, "'NewerNoncurrentVersions' for"
                    + " NoncurrentVersionExpiration action must be a positive integer", "NewerNoncurrentVersions"))
                    .orElse(null);
            if (noncurrentDays == null) {
                // AWS requires NoncurrentDays; NewerNoncurrentVersions only refines it.
                throw malformed();
            }
            if (newer != null && newer > MAX_NEWER_NONCURRENT) {
                throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "'NewerNoncurrentVersions' for"
                        + " NoncurrentVersionExpiration action must not exceed " + MAX_NEWER_NONCURRENT)
                        .with("ArgumentName", "NewerNoncurrentVersions").with("ArgumentValue", newer.toString());
            }
        }
        Integer abortDays = null;
        var abort = single(r, "AbortIncompleteMultipartUpload");
        if (abort.isPresent()) {
            onlyChildren(abort.get(), Set.of("DaysAfterInitiation"));
            abortDays = single(abort.get(), "DaysAfterInitiation").map(x -> positive(x, "'DaysAfterInitiation' for"
                    + " AbortIncompleteMultipartUpload action must be a positive integer", "DaysAfterInitiation"))
                    .orElseThrow(LifecycleConfiguration::malformed);
            if (filter.hasTags()) {
                throw new S3Exception(S3ErrorCode.INVALID_REQUEST,
                        "AbortIncompleteMultipartUpload cannot be specified with Tags.");
            }
        }
        LifecycleRule rule = new LifecycleRule(id, enabled, filter, days, date, marker, noncurrentDays, newer,
                abortDays);
        if (!rule.hasExpiration() && !rule.hasNoncurrentExpiration() && !rule.hasAbort()) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "At least one action needs to be specified in a rule");
        }
        return rule;
    }

    private static LifecycleFilter parseFilter(XmlElement r) {
        var legacy = single(r, "Prefix");
        var filter = single(r, "Filter");
        if (legacy.isPresent() == filter.isPresent()) {
            throw malformed();
        }
        if (legacy.isPresent()) {
            return new LifecycleFilter(LifecycleFilter.Form.LEGACY_PREFIX, legacy.get().rawText(), Map.of(), null,
                    null);
        }
        XmlElement f = filter.get();
        onlyChildren(f, Set.of("Prefix", "Tag", "ObjectSizeGreaterThan", "ObjectSizeLessThan", "And"));
        if (f.children().size() > 1) {
            throw malformed();
        }
        if (f.children().isEmpty()) {
            return new LifecycleFilter(LifecycleFilter.Form.EMPTY, null, Map.of(), null, null);
        }
        XmlElement c = f.children().get(0);
        return switch (c.name()) {
            case "Prefix" -> new LifecycleFilter(LifecycleFilter.Form.PREFIX, c.rawText(), Map.of(), null, null);
            case "Tag" -> {
                Map<String, String> tags = new LinkedHashMap<>();
                addTag(tags, c);
                yield new LifecycleFilter(LifecycleFilter.Form.TAG, null, tags, null, null);
            }
            case "ObjectSizeGreaterThan" -> new LifecycleFilter(LifecycleFilter.Form.SIZE_GREATER_THAN, null,
                    Map.of(), size(c), null);
            case "ObjectSizeLessThan" -> new LifecycleFilter(LifecycleFilter.Form.SIZE_LESS_THAN, null, Map.of(),
                    null, size(c));
            default -> parseAnd(c);
        };
    }

    private static LifecycleFilter parseAnd(XmlElement and) {
        onlyChildren(and, Set.of("Prefix", "Tag", "ObjectSizeGreaterThan", "ObjectSizeLessThan"));
        String prefix = single(and, "Prefix").map(XmlElement::rawText).orElse(null);
        Map<String, String> tags = new LinkedHashMap<>();
        for (XmlElement t : and.children("Tag")) {
            addTag(tags, t);
        }
        Long gt = single(and, "ObjectSizeGreaterThan").map(LifecycleConfiguration::size).orElse(null);
        Long lt = single(and, "ObjectSizeLessThan").map(LifecycleConfiguration::size).orElse(null);
        if (gt != null && lt != null && gt >= lt) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST,
                    "ObjectSizeGreaterThan must be less than ObjectSizeLessThan");
        }
        return new LifecycleFilter(LifecycleFilter.Form.AND, prefix, tags, gt, lt);
    }

    private static void addTag(Map<String, String> tags, XmlElement t) {
        onlyChildren(t, Set.of("Key", "Value"));
        String key = single(t, "Key").map(XmlElement::rawText).orElseThrow(LifecycleConfiguration::malformed);
        String value = single(t, "Value").map(XmlElement::rawText).orElseThrow(LifecycleConfiguration::malformed);
        if (key.isEmpty() || key.length() > 128 || value.length() > 256) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "Invalid Tag in the lifecycle filter");
        }
        if (tags.put(key, value) != null) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "Duplicate Tag Keys are not allowed.");
        }
    }

    /** AWS refuses two legacy-prefix rules whose prefixes overlap and that share an action type. */
    private static void checkLegacyOverlaps(List<LifecycleRule> rules) {
        List<LifecycleRule> legacy = rules.stream()
                .filter(r -> r.filter().form() == LifecycleFilter.Form.LEGACY_PREFIX).toList();
        for (int i = 0; i < legacy.size(); i++) {
            for (int j = i + 1; j < legacy.size(); j++) {
                LifecycleRule a = legacy.get(i);
                LifecycleRule b = legacy.get(j);
                String pa = a.filter().prefix();
                String pb = b.filter().prefix();
                if (!pa.startsWith(pb) && !pb.startsWith(pa)) {
                    continue;
                }
                String action = a.hasExpiration() && b.hasExpiration() ? "Expiration"
                        : a.hasNoncurrentExpiration() && b.hasNoncurrentExpiration() ? "NoncurrentVersionExpiration"
                        : a.hasAbort() && b.hasAbort() ? "AbortIncompleteMultipartUpload" : null;
                if (action != null) {
                    throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "Found overlapping prefixes '" + pa
                            + "' and '" + pb + "' for same action type '" + action + "'");
                }
            }
        }
    }

    /** The canonical document: what is stored and what GetBucketLifecycleConfiguration returns. */
    public String toXml() {
        XmlWriter w = XmlWriter.s3("LifecycleConfiguration");
        for (LifecycleRule r : rules) {
            w.start("Rule");
            if (r.hasExpiration()) {
                w.start("Expiration");
                if (r.expirationDate() != null) {
                    w.element("Date", XmlWriter.isoTime(r.expirationDate()));
                }
                if (r.expirationDays() != null) {
                    w.element("Days", r.expirationDays());
                }
                if (r.expiredObjectDeleteMarker() != null) {
                    w.element("ExpiredObjectDeleteMarker", r.expiredObjectDeleteMarker());
                }
                w.end();
            }
            w.element("ID", r.id());
            LifecycleFilter f = r.filter();
            switch (f.form()) {
                case LEGACY_PREFIX -> w.element("Prefix", f.prefix());
                case EMPTY -> w.start("Filter").end();
                case PREFIX -> w.start("Filter").element("Prefix", f.prefix()).end();
                case TAG -> {
                    var t = f.tags().entrySet().iterator().next();
                    w.start("Filter").start("Tag").element("Key", t.getKey()).element("Value", t.getValue()).end()
                            .end();
                }
                case SIZE_GREATER_THAN -> w.start("Filter").element("ObjectSizeGreaterThan", f.sizeGreaterThan())
                        .end();
                case SIZE_LESS_THAN -> w.start("Filter").element("ObjectSizeLessThan", f.sizeLessThan()).end();
                case AND -> {
                    w.start("Filter").start("And");
                    if (f.prefix() != null) {
                        w.element("Prefix", f.prefix());
                    }
                    for (Map.Entry<String, String> t : f.tags().entrySet()) {
                        w.start("Tag").element("Key", t.getKey()).element("Value", t.getValue()).end();
                    }
                    if (f.sizeGreaterThan() != null) {
                        w.element("ObjectSizeGreaterThan", f.sizeGreaterThan());
                    }
                    if (f.sizeLessThan() != null) {
                        w.element("ObjectSizeLessThan", f.sizeLessThan());
                    }
                    w.end().end();
                }
                default -> throw new IllegalStateException(f.form().name());
            }
            w.element("Status", r.enabled() ? "Enabled" : "Disabled");
            if (r.hasNoncurrentExpiration()) {
                w.start("NoncurrentVersionExpiration");
                if (r.noncurrentDays() != null) {
                    w.element("NoncurrentDays", r.noncurrentDays());
                }
                if (r.newerNoncurrentVersions() != null) {
                    w.element("NewerNoncurrentVersions", r.newerNoncurrentVersions());
                }
                w.end();
            }
            if (r.hasAbort()) {
                w.start("AbortIncompleteMultipartUpload").element("DaysAfterInitiation", r.abortDaysAfterInitiation())
                        .end();
            }
            w.end();
        }
        return new String(w.toBytes(), StandardCharsets.UTF_8);
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private static S3Exception malformed() {
        return new S3Exception(S3ErrorCode.MALFORMED_XML);
    }

    private static void onlyChildren(XmlElement e, Set<String> allowed) {
        for (XmlElement c : e.children()) {
            if (!allowed.contains(c.name())) {
                throw malformed();
            }
        }
    }

    /** The one child of that name, or empty; twice is MalformedXML. */
    private static java.util.Optional<XmlElement> single(XmlElement e, String name) {
        List<XmlElement> all = e.children(name);
        if (all.size() > 1) {
            throw malformed();
        }
        return all.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(all.get(0));
    }

    private static int positive(XmlElement e, String message, String argument) {
        long v;
        try {
            v = Long.parseLong(e.text());
        } catch (NumberFormatException x) {
            throw malformed();
        }
        if (v <= 0 || v > Integer.MAX_VALUE) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, message)
                    .with("ArgumentName", argument).with("ArgumentValue", e.text());
        }
        return (int) v;
    }

    private static long size(XmlElement e) {
        long v;
        try {
            v = Long.parseLong(e.text());
        } catch (NumberFormatException x) {
            throw malformed();
        }
        if (v < 0) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "'" + e.name() + "' must not be negative")
                    .with("ArgumentName", e.name()).with("ArgumentValue", e.text());
        }
        return v;
    }

    private static boolean bool(String s) {
        return switch (s) {
            case "true" -> true;
            case "false" -> false;
            default -> throw malformed();
        };
    }

    private static Instant midnight(XmlElement e) {
        Instant t;
        try {
            t = OffsetDateTime.parse(e.text()).toInstant();
        } catch (DateTimeParseException x) {
            try {
                t = java.time.LocalDate.parse(e.text()).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException y) {
                throw malformed();
            }
        }
        if (!t.truncatedTo(ChronoUnit.DAYS).equals(t)) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "'Date' must be at midnight GMT")
                    .with("ArgumentName", "Date").with("ArgumentValue", e.text());
        }
        return t;
    }

    private static String generatedId() {
        StringBuilder b = new StringBuilder(48);
        for (int i = 0; i < 48; i++) {
            b.append(ID_ALPHABET[RANDOM.nextInt(ID_ALPHABET.length)]);
        }
        return b.toString();
    }
}
