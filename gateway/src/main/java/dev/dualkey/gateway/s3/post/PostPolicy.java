package dev.dualkey.gateway.s3.post;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A POST policy (AWS's "POST Policy" / "Policy construction"): a Base64 JSON document with {@code expiration} and
 * {@code conditions}, evaluated exactly:
 *
 * <pre>
 * {"expiration": "2026-12-02T12:00:00.000Z",
 *  "conditions": [ {"bucket": "b"}, {"acl": "private"},               exact match (field = value)
 *                  ["eq", "$key", "uploads/a.txt"],                   exact match
 *                  ["starts-with", "$key", "uploads/"],               prefix ("" matches anything)
 *                  ["content-length-range", 1, 10485760] ]}           the file's size, inclusive
 * </pre>
 *
 * Field names match case-insensitively; every form field except {@link #EXEMPT} (and {@code x-ignore-*}) must be
 * named by some condition ("Extra input fields"), every condition must hold, and the policy must not have
 * expired. Refusals are S3's: AccessDenied "Invalid according to Policy: ...", InvalidPolicyDocument for a
 * document that is not a policy.
 */
final class PostPolicy {
    /** Fields no condition needs to name (SigV2 and SigV4 lists together). */
    static final Set<String> EXEMPT = Set.of("awsaccesskeyid", "signature", "file", "policy", "x-amz-signature");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Instant expiration;
    private final List<JsonNode> conditions;
    private long minLength = 0;
    private long maxLength = Long.MAX_VALUE;

    private PostPolicy(Instant expiration, List<JsonNode> conditions) {
        this.expiration = expiration;
        this.conditions = conditions;
    }

    /**
     * The "policy" of an anonymous form, which has none (AWS: the document is optional; without it the request is
     * anonymous): no expiry, no conditions, no {@code content-length-range}. Never {@link #evaluate}d.
     */
    static PostPolicy unconstrained() {
        return new PostPolicy(Instant.MAX, List.of());
    }

    /** Decodes and parses the {@code policy} field. */
    static PostPolicy parse(String base64) {
        JsonNode root;
        try {
            byte[] json = Base64.getMimeDecoder().decode(base64);
            root = JSON.readTree(new String(json, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw invalid("Invalid Policy: Invalid JSON.");
        }
        if (root == null || !root.isObject()) {
            throw invalid("Invalid Policy: Invalid JSON.");
        }
        JsonNode exp = root.get("expiration");
        if (exp == null) {
            throw invalid("Invalid Policy: Policy missing expiration.");
        }
        Instant expiration;
        try {
            expiration = Instant.parse(exp.asText());
        } catch (DateTimeParseException e) {
            throw invalid("Invalid Policy: Invalid 'expiration' value: '" + exp.asText() + "'");
        }
        JsonNode conds = root.get("conditions");
        if (conds == null) {
            throw invalid("Invalid Policy: Policy missing conditions.");
        }
        if (!conds.isArray()) {
            throw invalid("Invalid Policy: Invalid JSON.");
        }
        List<JsonNode> list = new ArrayList<>();
        conds.forEach(list::add);
        return new PostPolicy(expiration, list);
    }

    /**
     * Checks expiry and every condition against the form.
     *
     * @param fields form fields by lower-case name (repeated fields joined by commas), {@code key} already
     *               expanded, plus {@code bucket} from the request's address
     * @throws S3Exception AccessDenied "Invalid according to Policy: ..." or InvalidPolicyDocument
     */
    void evaluate(Instant now, Map<String, String> fields, Set<String> formFieldNames) {
        if (!now.isBefore(expiration)) {
            throw denied("Policy expired.");
        }
        Set<String> covered = new HashSet<>();
        for (JsonNode c : conditions) {
            if (c.isObject()) {
                if (c.size() != 1) {
                    throw invalid("Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one"
                            + " property specified.");
                }
                Iterator<Map.Entry<String, JsonNode>> it = c.fields();
                Map.Entry<String, JsonNode> e = it.next();
                String name = e.getKey().toLowerCase(Locale.ROOT);
                covered.add(name);
                if (!e.getValue().isValueNode() || !e.getValue().asText().equals(fields.get(name))) {
                    throw failed("[\"eq\", \"$" + e.getKey() + "\", \"" + e.getValue().asText() + "\"]");
                }
            } else if (c.isArray() && c.size() == 3) {
                String op = c.get(0).asText().toLowerCase(Locale.ROOT);
                if (op.equals("content-length-range")) {
                    if (!c.get(1).canConvertToLong() || !c.get(2).canConvertToLong()) {
                        throw invalid("Invalid Policy: Invalid content-length-range condition.");
                    }
                    minLength = Math.max(minLength, c.get(1).asLong());
                    maxLength = Math.min(maxLength, c.get(2).asLong());
                    continue;
                }
                String ref = c.get(1).asText();
                if (!ref.startsWith("$")) {
                    throw invalid("Invalid Policy: Invalid " + op + " condition: the field must start with '$'.");
                }
                String name = ref.substring(1).toLowerCase(Locale.ROOT);
                String expected = c.get(2).asText();
                String actual = fields.get(name);
                covered.add(name);
                boolean ok = switch (op) {
                    case "eq" -> expected.equals(actual);
                    case "starts-with" -> actual != null && startsWith(name, actual, expected);
                    default -> throw invalid("Invalid Policy: Invalid Condition: unknown operation '" + op + "'.");
                };
                if (!ok) {
                    throw failed("[\"" + op + "\", \"" + ref + "\", \"" + expected + "\"]");
                }
            } else {
                throw invalid("Invalid Policy: Invalid Condition.");
            }
        }
        List<String> extra = new ArrayList<>();
        for (String f : formFieldNames) {
            String n = f.toLowerCase(Locale.ROOT);
            if (!EXEMPT.contains(n) && !n.startsWith("x-ignore-") && !covered.contains(n)) {
                extra.add(n);
            }
        }
        if (!extra.isEmpty()) {
            throw denied("Extra input fields: " + String.join(", ", extra));
        }
    }

    /** {@code starts-with} on Content-Type checks each comma-separated value (AWS); elsewhere the whole value. */
    private static boolean startsWith(String name, String actual, String prefix) {
        if (name.equals("content-type")) {
            for (String v : actual.split(",")) {
                if (!v.trim().startsWith(prefix)) {
                    return false;
                }
            }
            return true;
        }
        return actual.startsWith(prefix);
    }

    long minLength() {
        return minLength;
    }

    long maxLength() {
        return maxLength;
    }

    private static S3Exception failed(String condition) {
        return denied("Policy Condition failed: " + condition);
    }

    static S3Exception denied(String detail) {
        return new S3Exception(S3ErrorCode.ACCESS_DENIED, "Invalid according to Policy: " + detail);
    }

    private static S3Exception invalid(String message) {
        return new S3Exception(S3ErrorCode.INVALID_POLICY_DOCUMENT, message);
    }
}
