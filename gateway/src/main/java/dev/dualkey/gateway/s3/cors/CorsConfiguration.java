package dev.dualkey.gateway.s3.cors;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.gateway.s3.xml.XmlElement;
import dev.dualkey.gateway.s3.xml.XmlWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A bucket's {@code CORSConfiguration}: up to {@link #MAX_RULES} rules, validated as S3 validates PutBucketCors.
 *
 * <pre>
 * &lt;CORSConfiguration&gt;
 *   &lt;CORSRule&gt;                        1..100
 *     &lt;ID&gt;                             0..1, at most 255 characters
 *     &lt;AllowedOrigin&gt;                  1..n, at most one '*'
 *     &lt;AllowedMethod&gt;                  1..n, GET | PUT | POST | DELETE | HEAD
 *     &lt;AllowedHeader&gt;                  0..n, at most one '*'
 *     &lt;ExposeHeader&gt;                   0..n, no '*'
 *     &lt;MaxAgeSeconds&gt;                  0..1, integer
 * </pre>
 *
 * The stored form is {@link #toXml()} (the S3 namespace, elements in the order above), which is also what
 * GetBucketCors returns; parses of stored documents are cached by their text.
 */
public record CorsConfiguration(List<CorsRule> rules) {
    /** S3's limit on rules per configuration. */
    public static final int MAX_RULES = 100;
    private static final Set<String> METHODS = Set.of("GET", "PUT", "POST", "DELETE", "HEAD");
    private static final int CACHE_MAX = 1024;
    private static final ConcurrentHashMap<String, CorsConfiguration> PARSED = new ConcurrentHashMap<>();

    public CorsConfiguration {
        rules = List.copyOf(rules);
    }

    /**
     * Parses and validates a PutBucketCors body.
     *
     * @throws S3Exception MalformedXML (not the schema, no rule, too many rules, a rule without origin or method,
     *                     a bad MaxAgeSeconds), InvalidRequest (unsupported method, more than one wildcard, a
     *                     wildcard in ExposeHeader)
     */
    public static CorsConfiguration parse(byte[] body) {
        XmlElement root = XmlElement.parse(body);
        if (!root.name().equals("CORSConfiguration")) {
            throw malformed();
        }
        List<CorsRule> rules = new ArrayList<>();
        for (XmlElement child : root.children()) {
            if (!child.name().equals("CORSRule")) {
                throw malformed();
            }
            rules.add(rule(child));
        }
        if (rules.isEmpty() || rules.size() > MAX_RULES) {
            throw malformed();
        }
        return new CorsConfiguration(rules);
    }

    private static CorsRule rule(XmlElement e) {
        String id = null;
        Integer maxAge = null;
        List<String> origins = new ArrayList<>();
        List<String> methods = new ArrayList<>();
        List<String> headers = new ArrayList<>();
        List<String> expose = new ArrayList<>();
        for (XmlElement c : e.children()) {
            String text = c.text();
            switch (c.name()) {
                case "ID" -> {
                    if (id != null || text.length() > 255) {
                        throw malformed();
                    }
                    id = text;
                }
                case "AllowedOrigin" -> {
                    if (count(text, '*') > 1) {
                        throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "AllowedOrigin \"" + text
                                + "\" can not have more than one wildcard.");
                    }
                    origins.add(text);
                }
                case "AllowedMethod" -> {
                    if (!METHODS.contains(text)) {
                        throw new S3Exception(S3ErrorCode.INVALID_REQUEST,
                                "Found unsupported HTTP method in CORS config. Unsupported method is " + text);
                    }
                    methods.add(text);
                }
                case "AllowedHeader" -> {
                    if (count(text, '*') > 1) {
                        throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "AllowedHeader \"" + text
                                + "\" can not have more than one wildcard.");
                    }
                    headers.add(text);
                }
                case "ExposeHeader" -> {
                    if (text.indexOf('*') >= 0) {
                        throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "ExposeHeader \"" + text
                                + "\" contains wildcard. We currently do not support wildcard for ExposeHeader.");
                    }
                    expose.add(text);
                }
                case "MaxAgeSeconds" -> {
                    if (maxAge != null) {
                        throw malformed();
                    }
                    try {
                        maxAge = Integer.parseInt(text);
                    } catch (NumberFormatException ex) {
                        throw malformed();
                    }
                }
                default -> throw malformed();
            }
        }
        if (origins.isEmpty() || methods.isEmpty()) {
            throw malformed();
        }
        return new CorsRule(id, origins, methods, headers, expose, maxAge);
    }

    /** The first rule that allows this origin and method (and, for a preflight, these headers), as S3 picks. */
    public Optional<CorsRule> match(String origin, String method, List<String> requestHeaders) {
        for (CorsRule r : rules) {
            if (r.allowsOrigin(origin) && r.allowsMethod(method) && r.allowsHeaders(requestHeaders)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** The canonical document: what is stored and what GetBucketCors answers. */
    public XmlWriter toXml() {
        XmlWriter w = XmlWriter.s3("CORSConfiguration");
        for (CorsRule r : rules) {
            w.start("CORSRule");
            if (r.id() != null) {
                w.element("ID", r.id());
            }
            r.allowedHeaders().forEach(h -> w.element("AllowedHeader", h));
            r.allowedMethods().forEach(m -> w.element("AllowedMethod", m));
            r.allowedOrigins().forEach(o -> w.element("AllowedOrigin", o));
            r.exposeHeaders().forEach(h -> w.element("ExposeHeader", h));
            if (r.maxAgeSeconds() != null) {
                w.element("MaxAgeSeconds", r.maxAgeSeconds());
            }
            w.end();
        }
        return w;
    }

    /** The stored document as text. */
    public String toStored() {
        return new String(toXml().toBytes(), StandardCharsets.UTF_8);
    }

    /** A stored document, parsed once and cached (it was validated when it was put). */
    public static CorsConfiguration fromStored(String document) {
        CorsConfiguration c = PARSED.get(document);
        if (c == null) {
            c = parse(document.getBytes(StandardCharsets.UTF_8));
            if (PARSED.size() >= CACHE_MAX) {
                PARSED.clear();
            }
            PARSED.put(document, c);
        }
        return c;
    }

    private static int count(String s, char c) {
        return (int) s.chars().filter(x -> x == c).count();
    }

    private static S3Exception malformed() {
        return new S3Exception(S3ErrorCode.MALFORMED_XML);
    }
}
