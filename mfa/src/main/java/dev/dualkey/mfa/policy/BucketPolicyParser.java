package dev.dualkey.mfa.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.dualkey.mfa.error.MalformedPolicyDocumentException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses and validates a bucket policy as S3 does on PutBucketPolicy: S3's {@code MalformedPolicy} messages (not
 * IAM's), checked in this order:
 * <ol>
 *   <li>size: at most {@value #MAX_BYTES} bytes once whitespace outside strings is removed (S3's 20 KB limit is
 *       on the normalized document) — "Policy exceeds the maximum allowed document size.";</li>
 *   <li>"Policies must be valid JSON and the first byte must be '{'", "This policy contains invalid Json"
 *       (duplicate keys included), "The policy must contain a valid version string", "Unknown field X",
 *       "Missing required field Statement", "Could not parse the policy: Statement is empty!";</li>
 *   <li>per statement: "Missing required field Effect" / "Invalid effect: X", "Missing required field Principal"
 *       (Principal or NotPrincipal), "Missing required field Action", "Missing required field Resource";</li>
 *   <li>"Invalid principal in policy": {@code *}, {@code {"AWS": ...}} with {@code *}, a 12-digit account id, an
 *       {@code arn:aws:iam::<acct>:root} or user ARN that {@link KnownPrincipals} knows, {@code CanonicalUser} ids of
 *       known accounts, {@code Service} principals; anything else (roles, federated, unknown accounts) is refused;</li>
 *   <li>"Policy has invalid action": each action {@code *} or an {@code s3:} pattern naming a known S3 action
 *       ({@link S3Actions});</li>
 *   <li>"Policy has invalid resource": each resource an S3 ARN whose bucket part can name this bucket (S3 refuses
 *       {@code *} and other buckets' ARNs);</li>
 *   <li>"Action does not apply to any resource(s) in statement": object-only actions on bucket ARNs only, or
 *       bucket-only actions on object ARNs only;</li>
 *   <li>"Policy has an invalid condition key": conditions are parsed as for identity policies (the same operators,
 *       IfExists, set qualifiers, strict value checks); a failure there is reported with this message.</li>
 * </ol>
 */
public final class BucketPolicyParser {
    /** S3's bucket policy size limit, 20 KB, on the document without insignificant whitespace. */
    public static final int MAX_BYTES = 20 * 1024;

    static final String TOO_LARGE = "Policy exceeds the maximum allowed document size.";
    static final String FIRST_BYTE = "Policies must be valid JSON and the first byte must be '{'";
    static final String INVALID_JSON = "This policy contains invalid Json";
    static final String VERSION = "The policy must contain a valid version string";
    static final String NO_STATEMENT = "Missing required field Statement";
    static final String EMPTY_STATEMENT = "Could not parse the policy: Statement is empty!";
    static final String INVALID_PRINCIPAL = "Invalid principal in policy";
    static final String INVALID_ACTION = "Policy has invalid action";
    static final String INVALID_RESOURCE = "Policy has invalid resource";
    static final String ACTION_RESOURCE = "Action does not apply to any resource(s) in statement";
    static final String INVALID_CONDITION = "Policy has an invalid condition key";

    private static final Set<String> TOP = Set.of("Version", "Id", "Statement");
    private static final Set<String> STATEMENT_KEYS = Set.of("Sid", "Effect", "Principal", "NotPrincipal", "Action",
            "NotAction", "Resource", "NotResource", "Condition");
    private static final Set<String> PRINCIPAL_KINDS = Set.of("AWS", "CanonicalUser", "Service", "Federated");
    private static final Pattern ACCOUNT_ID = Pattern.compile("[0-9]{12}");
    private static final Pattern ROOT_ARN = Pattern.compile("arn:aws:iam::([0-9]{12}):root");
    private static final Pattern USER_ARN = Pattern.compile("arn:aws:iam::([0-9]{12}):user/(?:[\\x21-\\x7e]*/)?"
            + "[\\w+=,.@-]{1,64}");
    private static final Pattern CANONICAL = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SERVICE = Pattern.compile("[a-z0-9.-]+\\.amazonaws\\.com(\\.cn)?");
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** Which principals exist: root ARNs of accounts, user ARNs, canonical ids of accounts. */
    @FunctionalInterface
    public interface KnownPrincipals {
        boolean known(String arnOrCanonicalId);

        /** Every well-formed principal exists (tests, and stores without an identity directory). */
        KnownPrincipals ANY = p -> true;
    }

    private BucketPolicyParser() {
    }

    /**
     * Parses and validates {@code document} as the policy of {@code bucket}.
     *
     * @throws MalformedPolicyDocumentException with S3's message (the gateway answers MalformedPolicy)
     */
    public static ResourcePolicy parse(String document, String bucket, KnownPrincipals principals) {
        if (document == null) {
            throw malformed(FIRST_BYTE);
        }
        String trimmed = document.stripLeading();
        if (!trimmed.startsWith("{")) {
            throw malformed(FIRST_BYTE);
        }
        JsonNode root;
        try {
            root = JSON.readTree(document);
        } catch (JsonProcessingException e) {
            throw malformed(INVALID_JSON);
        }
        if (root == null || !root.isObject()) {
            throw malformed(INVALID_JSON);
        }
        if (compactSize(root) > MAX_BYTES) {
            throw malformed(TOO_LARGE);
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!TOP.contains(f)) {
                throw malformed("Unknown field " + f);
            }
        }
        JsonNode version = root.get("Version");
        if (version != null && (!version.isTextual() || !(version.asText().equals(Policy.VERSION_2012)
                || version.asText().equals(Policy.VERSION_2008)))) {
            throw malformed(VERSION);
        }
        boolean variables = version != null && version.asText().equals(Policy.VERSION_2012);
        JsonNode st = root.get("Statement");
        if (st == null || st.isNull()) {
            throw malformed(NO_STATEMENT);
        }
        List<JsonNode> nodes = new ArrayList<>();
        if (st.isObject()) {
            nodes.add(st);
        } else if (st.isArray()) {
            st.forEach(nodes::add);
        } else {
            throw malformed(INVALID_JSON);
        }
        if (nodes.isEmpty()) {
            throw malformed(EMPTY_STATEMENT);
        }
        List<ResourceStatement> out = new ArrayList<>();
        for (JsonNode s : nodes) {
            out.add(statement(s, bucket, principals, variables));
        }
        return ResourcePolicy.of(variables ? Policy.VERSION_2012 : Policy.VERSION_2008, out);
    }

    private static ResourceStatement statement(JsonNode s, String bucket, KnownPrincipals known, boolean variables) {
        if (!s.isObject()) {
            throw malformed(INVALID_JSON);
        }
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!STATEMENT_KEYS.contains(f)) {
                throw malformed("Unknown field " + f);
            }
        }
        JsonNode effect = s.get("Effect");
        if (effect == null) {
            throw malformed("Missing required field Effect");
        }
        if (!effect.isTextual() || !(effect.asText().equals("Allow") || effect.asText().equals("Deny"))) {
            throw malformed("Invalid effect: " + effect.asText());
        }
        boolean not = s.has("NotPrincipal");
        if (s.has("Principal") == not) {
            throw malformed(not ? INVALID_JSON : "Missing required field Principal");
        }
        if (s.has("Action") == s.has("NotAction")) {
            throw malformed(s.has("Action") ? INVALID_JSON : "Missing required field Action");
        }
        if (s.has("Resource") == s.has("NotResource")) {
            throw malformed(s.has("Resource") ? INVALID_JSON : "Missing required field Resource");
        }
        JsonNode sid = s.get("Sid");
        if (sid != null && !sid.isTextual()) {
            throw malformed(INVALID_JSON);
        }
        Principals principal = principals(s.get(not ? "NotPrincipal" : "Principal"), known);
        List<String> actions = textList(s.has("Action") ? s.get("Action") : s.get("NotAction"));
        int kinds = 0;
        for (String a : actions) {
            int k = S3Actions.kinds(a);
            if (k == 0) {
                throw malformed(INVALID_ACTION);
            }
            kinds |= k;
        }
        List<String> resources = textList(s.has("Resource") ? s.get("Resource") : s.get("NotResource"));
        int resourceKinds = 0;
        for (String r : resources) {
            resourceKinds |= resourceKinds(r, bucket);
        }
        if (s.has("Action") && s.has("Resource") && (kinds & resourceKinds) == 0) {
            throw malformed(ACTION_RESOURCE);
        }
        JsonNode cond = s.get("Condition");
        if (cond != null && !cond.isObject()) {
            throw malformed(INVALID_JSON);
        }
        Statement parsed;
        try {
            if (cond != null) {
                for (Map.Entry<String, JsonNode> op : cond.properties()) {
                    PolicyParser.operatorOf(op.getKey());
                    if (!op.getValue().isObject()) {
                        throw malformed(INVALID_JSON);
                    }
                }
            }
            parsed = PolicyParser.statement(s, variables);
        } catch (MalformedPolicyDocumentException e) {
            throw malformed(INVALID_CONDITION);
        }
        return new ResourceStatement(parsed, principal, not);
    }

    private static Principals principals(JsonNode p, KnownPrincipals known) {
        if (p.isTextual()) {
            if (p.asText().equals("*")) {
                return new Principals(true, List.of(), List.of(), List.of());
            }
            throw malformed(INVALID_PRINCIPAL);
        }
        if (!p.isObject() || p.isEmpty()) {
            throw malformed(INVALID_PRINCIPAL);
        }
        boolean everyone = false;
        List<String> arns = new ArrayList<>();
        List<String> canonical = new ArrayList<>();
        List<String> services = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : p.properties()) {
            if (!PRINCIPAL_KINDS.contains(e.getKey()) || e.getKey().equals("Federated")) {
                throw malformed(INVALID_PRINCIPAL);
            }
            List<String> values = principalValues(e.getValue());
            for (String v : values) {
                switch (e.getKey()) {
                    case "AWS" -> {
                        if (v.equals("*")) {
                            everyone = true;
                        } else {
                            String arn = ACCOUNT_ID.matcher(v).matches() ? "arn:aws:iam::" + v + ":root" : v;
                            if (!(ROOT_ARN.matcher(arn).matches() || USER_ARN.matcher(arn).matches())
                                    || !known.known(arn)) {
                                throw malformed(INVALID_PRINCIPAL);
                            }
                            arns.add(arn);
                        }
                    }
                    case "CanonicalUser" -> {
                        String id = v.toLowerCase(Locale.ROOT);
                        if (!CANONICAL.matcher(id).matches() || !known.known(id)) {
                            throw malformed(INVALID_PRINCIPAL);
                        }
                        canonical.add(id);
                    }
                    default -> {
                        if (!SERVICE.matcher(v).matches()) {
                            throw malformed(INVALID_PRINCIPAL);
                        }
                        services.add(v);
                    }
                }
            }
        }
        return new Principals(everyone, arns, canonical, services);
    }

    private static List<String> principalValues(JsonNode v) {
        List<String> out = new ArrayList<>();
        if (v.isTextual()) {
            out.add(v.asText());
        } else if (v.isArray() && !v.isEmpty()) {
            for (JsonNode x : v) {
                if (!x.isTextual()) {
                    throw malformed(INVALID_PRINCIPAL);
                }
                out.add(x.asText());
            }
        } else {
            throw malformed(INVALID_PRINCIPAL);
        }
        return out;
    }

    /** Bit 1: the resource can name the bucket itself; bit 2: objects in it. Refuses other buckets' ARNs. */
    private static int resourceKinds(String r, String bucket) {
        String prefix = "arn:aws:s3:::";
        if (!r.startsWith(prefix) || r.length() == prefix.length()) {
            throw malformed(INVALID_RESOURCE);
        }
        String rest = r.substring(prefix.length());
        int slash = rest.indexOf('/');
        String bucketPart = slash < 0 ? rest : rest.substring(0, slash);
        if (bucketPart.isEmpty() || !Wildcards.matches(bucketPart, bucket, false)) {
            throw malformed(INVALID_RESOURCE);
        }
        if (slash >= 0) {
            return 2;
        }
        // arn:aws:s3:::bucket* also matches bucket/key: a '*' in the bucket part spans the slash
        return bucketPart.indexOf('*') >= 0 ? 3 : 1;
    }

    private static List<String> textList(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n.isTextual()) {
            out.add(n.asText());
            return out;
        }
        if (!n.isArray() || n.isEmpty()) {
            throw malformed(INVALID_JSON);
        }
        for (JsonNode x : n) {
            if (!x.isTextual()) {
                throw malformed(INVALID_JSON);
            }
            out.add(x.asText());
        }
        return out;
    }

    /** Bytes of the document written compactly (no whitespace between tokens), as S3 measures its 20 KB. */
    static int compactSize(JsonNode root) {
        try {
            return JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8).length;
        } catch (JsonProcessingException e) {
            throw malformed(INVALID_JSON);
        }
    }

    static MalformedPolicyDocumentException malformed(String message) {
        return new MalformedPolicyDocumentException(message);
    }
}
