package dev.dualkey.gateway.s3.tagging;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.gateway.s3.xml.XmlElement;
import dev.dualkey.gateway.s3.xml.XmlWriter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A tag set as S3 reads, checks and writes it (AWS "Categorizing your storage using tags" and "Using cost allocation
 * S3 bucket tags"; error codes and texts as AWS answers them, see the README's Object Lock and tagging section).
 *
 * <p>Checks, in AWS's order: more than 10 object tags / 50 bucket tags: 400 {@code BadRequest} ("Object tags cannot
 * be greater than 10", "Bucket tag count cannot be greater than 50"); a repeated key: {@code InvalidTag} "Cannot
 * provide multiple Tags with the same key" with {@code <TagKey>}; a key over 128 or a value over 256 Unicode
 * characters: {@code InvalidTag} "... is too long, max 128/256"; an empty key or a character outside letters, digits,
 * white space and {@code + - = . _ : / @}: {@code InvalidTag} "The TagKey/TagValue you have provided is invalid"; a
 * key starting with {@code aws:}: {@code InvalidTag} "Your TagKey cannot be prefixed with aws:" (objects) or "System
 * tags cannot be added/updated by requester" (buckets). A {@code <Tag>} without {@code Key} or {@code Value} is
 * MalformedXML.
 */
public final class TagSet {
    /** AWS's limit of tags on one object version. */
    public static final int MAX_OBJECT_TAGS = 10;
    /** AWS's limit of tags on one bucket. */
    public static final int MAX_BUCKET_TAGS = 50;
    static final int MAX_KEY_CHARS = 128;
    static final int MAX_VALUE_CHARS = 256;
    private static final Pattern ALLOWED = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    static final String HEADER_MESSAGE = "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL"
            + " query parameters without tag name duplicates.";

    /** Where a tag set goes: the limits and the {@code aws:} wording differ. */
    public enum Scope { OBJECT, BUCKET }

    private TagSet() {
    }

    /** Parses and checks a {@code <Tagging><TagSet><Tag><Key/><Value/></Tag>...</TagSet></Tagging>} body. */
    public static SortedMap<String, String> parseXml(byte[] body, Scope scope) {
        XmlElement root = XmlElement.parse(body);
        XmlElement set = root.name().equals("Tagging") ? root.child("TagSet").orElse(null) : null;
        if (set == null) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        var tags = set.children("Tag");
        checkCount(tags.size(), scope);
        SortedMap<String, String> out = new TreeMap<>();
        for (XmlElement tag : tags) {
            String key = tag.child("Key").map(XmlElement::rawText).orElse(null);
            String value = tag.child("Value").map(XmlElement::rawText).orElse(null);
            if (key == null || value == null) {
                throw new S3Exception(S3ErrorCode.MALFORMED_XML);
            }
            if (out.containsKey(key)) {
                throw new S3Exception(S3ErrorCode.INVALID_TAG, "Cannot provide multiple Tags with the same key")
                        .with("TagKey", key);
            }
            checkTag(key, value, scope);
            out.put(key, value);
        }
        return Collections.unmodifiableSortedMap(out);
    }

    /**
     * Parses and checks the {@code x-amz-tagging} header (URL query form {@code k1=v1&k2}; a key without
     * {@code =} has an empty value). A repeated key, a pair with two {@code =} or a bad escape is AWS's
     * InvalidArgument naming the header.
     *
     * @return the tags, or null when the header is absent
     */
    public static SortedMap<String, String> parseHeader(String header) {
        if (header == null) {
            return null;
        }
        SortedMap<String, String> out = new TreeMap<>();
        if (header.isEmpty()) {
            return out;
        }
        for (String pair : header.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq >= 0 && pair.indexOf('=', eq + 1) >= 0) {
                throw badHeader(header);
            }
            String key;
            String value;
            try {
                key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw badHeader(header);
            }
            if (out.put(key, value) != null) {
                throw badHeader(header);
            }
        }
        checkCount(out.size(), Scope.OBJECT);
        out.forEach((k, v) -> checkTag(k, v, Scope.OBJECT));
        return out;
    }

    private static S3Exception badHeader(String header) {
        return new S3Exception(S3ErrorCode.INVALID_ARGUMENT, HEADER_MESSAGE).with("ArgumentName", "x-amz-tagging")
                .with("ArgumentValue", header);
    }

    private static void checkCount(int n, Scope scope) {
        if (scope == Scope.OBJECT && n > MAX_OBJECT_TAGS) {
            throw new S3Exception(S3ErrorCode.BAD_REQUEST, "Object tags cannot be greater than 10");
        }
        if (scope == Scope.BUCKET && n > MAX_BUCKET_TAGS) {
            throw new S3Exception(S3ErrorCode.BAD_REQUEST, "Bucket tag count cannot be greater than 50");
        }
    }

    private static void checkTag(String key, String value, Scope scope) {
        if (key.codePointCount(0, key.length()) > MAX_KEY_CHARS) {
            throw new S3Exception(S3ErrorCode.INVALID_TAG, "The TagKey you have provided is too long, max 128")
                    .with("TagKey", key);
        }
        if (value.codePointCount(0, value.length()) > MAX_VALUE_CHARS) {
            throw new S3Exception(S3ErrorCode.INVALID_TAG, "The TagValue you have provided is too long, max 256")
                    .with("TagKey", key).with("TagValue", value);
        }
        if (key.isEmpty() || !ALLOWED.matcher(key).matches()) {
            throw new S3Exception(S3ErrorCode.INVALID_TAG, "The TagKey you have provided is invalid")
                    .with("TagKey", key);
        }
        if (!ALLOWED.matcher(value).matches()) {
            throw new S3Exception(S3ErrorCode.INVALID_TAG, "The TagValue you have provided is invalid")
                    .with("TagKey", key).with("TagValue", value);
        }
        if (key.startsWith("aws:")) {
            throw new S3Exception(S3ErrorCode.INVALID_TAG, scope == Scope.OBJECT
                    ? "Your TagKey cannot be prefixed with aws:" : "System tags cannot be added/updated by requester")
                    .with("TagKey", key);
        }
    }

    /** The {@code <Tagging>} document of a tag set, sorted by key as S3 answers. */
    public static XmlWriter toXml(Map<String, String> tags) {
        XmlWriter w = XmlWriter.s3("Tagging").start("TagSet");
        new TreeMap<>(tags).forEach((k, v) -> w.start("Tag").element("Key", k).element("Value", v).end());
        return w.end();
    }
}
