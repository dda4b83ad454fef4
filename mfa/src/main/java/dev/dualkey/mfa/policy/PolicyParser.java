package dev.dualkey.mfa.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.dualkey.mfa.error.MalformedPolicyDocumentException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses and validates an IAM identity policy as IAM does on PutUserPolicy, with IAM's
 * {@code MalformedPolicyDocument} messages, checked in IAM's order:
 * <ol>
 *   <li>grammar ("Syntax errors in policy."): JSON object; top-level elements Version, Id, Statement; Version
 *       {@code 2012-10-17} or {@code 2008-10-17}; Statement an object or a non-empty array of objects; statement
 *       elements Sid, Effect, Action/NotAction, Resource/NotResource, Condition, not both of a pair; Effect
 *       Allow or Deny in any case; strings or arrays of strings; Condition operators known. A Principal or
 *       NotPrincipal: "Policy document should not specify a principal.";</li>
 *   <li>legacy parsing ("The policy failed legacy parsing"): Effect exactly {@code Allow}/{@code Deny}, Date
 *       values readable;</li>
 *   <li>"Statement IDs (SID) in a single policy must be unique.", the Sid pattern {@code [0-9A-Za-z]*};</li>
 *   <li>"Policy statement must contain actions." / "... resources." (missing or empty);</li>
 *   <li>resources: {@code *} or {@code arn:aws:service:region:account:resource}
 *       ("Resource foo must be in ARN format or \"*\"." and the IAM/S3 specific messages);</li>
 *   <li>actions and condition keys prefaced by a vendor
 *       ("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.").</li>
 * </ol>
 * Stricter than IAM (never looser): duplicate JSON keys, unknown {@code aws:} condition keys, and Numeric, Bool,
 * IpAddress and BinaryEquals values that cannot be read are refused, since each would make a statement silently
 * mean something else than its author thought (a Deny that never applies). Nothing is ever truncated.
 */
public final class PolicyParser {
    /** IAM's quota for all inline policies of one user together, in characters without whitespace. */
    public static final int USER_INLINE_POLICIES_QUOTA = 2048;
    /** PolicyDocument's length bound in IAM's API (a document is refused past it, never cut). */
    public static final int MAX_DOCUMENT_CHARS = 131_072;

    static final String SYNTAX = "Syntax errors in policy.";
    static final String LEGACY = "The policy failed legacy parsing";
    static final String PRINCIPAL = "Policy document should not specify a principal.";
    static final String SID_UNIQUE = "Statement IDs (SID) in a single policy must be unique.";
    static final String SID_PATTERN = "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies"
            + " the regular expression [0-9A-Za-z]*";
    static final String NO_ACTIONS = "Policy statement must contain actions.";
    static final String NO_RESOURCES = "Policy statement must contain resources.";
    static final String VENDOR = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";
    static final String ONE_COLON = "Actions/Condition can contain only one colon.";

    private static final Set<String> VERSIONS = Set.of(Policy.VERSION_2012, Policy.VERSION_2008);
    private static final Set<String> TOP = Set.of("Version", "Id", "Statement");
    private static final Set<String> STATEMENT_KEYS = Set.of("Sid", "Effect", "Action", "NotAction", "Resource",
            "NotResource", "Condition");
    private static final Pattern SID = Pattern.compile("[0-9A-Za-z]*");
    private static final Pattern VENDOR_NAME = Pattern.compile("[a-zA-Z0-9\\-.]+");
    private static final Pattern ACTION_NAME = Pattern.compile("[A-Za-z0-9*?_\\-]+");
    private static final Pattern KEY_NAME = Pattern.compile("[A-Za-z0-9*?_\\-.:/@+=,]+");
    private static final List<String> IAM_RESOURCE_STARTS = List.of("user/", "federated-user/", "role/", "group/",
            "instance-profile/", "mfa/", "server-certificate/", "policy/", "sms-mfa/", "saml-provider/",
            "oidc-provider/", "report/", "access-report/");
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private PolicyParser() {
    }

    /** Parses and validates {@code document}; throws {@link MalformedPolicyDocumentException}. */
    public static Policy parse(String document) {
        if (document == null || document.isBlank() || document.length() > MAX_DOCUMENT_CHARS) {
            throw malformed(SYNTAX);
        }
        JsonNode root;
        try {
            root = JSON.readTree(document);
        } catch (JsonProcessingException e) {
            throw malformed(SYNTAX);
        }
        List<JsonNode> statements = grammar(root);
        String version = root.has("Version") ? root.get("Version").asText() : Policy.VERSION_2008;
        boolean variables = version.equals(Policy.VERSION_2012);
        // legacy parsing
        for (JsonNode s : statements) {
            String effect = s.get("Effect").asText();
            if (!effect.equals("Allow") && !effect.equals("Deny")) {
                throw malformed(LEGACY);
            }
            JsonNode cond = s.get("Condition");
            if (cond != null) {
                for (Map.Entry<String, JsonNode> op : cond.properties()) {
                    if (operatorOf(op.getKey()).operator().type() == ConditionOperator.Type.DATE) {
                        for (Map.Entry<String, JsonNode> k : op.getValue().properties()) {
                            for (String v : strings(k.getValue())) {
                                if (ConditionValues.date(v) == null) {
                                    throw malformed(LEGACY);
                                }
                            }
                        }
                    }
                }
            }
        }
        Set<String> sids = new HashSet<>();
        for (JsonNode s : statements) {
            JsonNode sid = s.get("Sid");
            if (sid != null && !sid.asText().isEmpty() && !sids.add(sid.asText())) {
                throw malformed(SID_UNIQUE);
            }
        }
        for (JsonNode s : statements) {
            JsonNode sid = s.get("Sid");
            if (sid != null && !SID.matcher(sid.asText()).matches()) {
                throw malformed(SID_PATTERN);
            }
        }
        for (JsonNode s : statements) {
            if (isEmpty(s.get("Action")) && isEmpty(s.get("NotAction"))) {
                throw malformed(NO_ACTIONS);
            }
        }
        for (JsonNode s : statements) {
            if (isEmpty(s.get("Resource")) && isEmpty(s.get("NotResource"))) {
                throw malformed(NO_RESOURCES);
            }
        }
        for (JsonNode s : statements) {
            for (String r : strings(s.has("Resource") ? s.get("Resource") : s.get("NotResource"))) {
                checkResource(r);
            }
        }
        for (JsonNode s : statements) {
            for (String a : strings(s.has("Action") ? s.get("Action") : s.get("NotAction"))) {
                checkAction(a);
            }
        }
        List<Statement> out = new ArrayList<>(statements.size());
        for (JsonNode s : statements) {
            out.add(statement(s, variables));
        }
        return new Policy(variables ? Policy.VERSION_2012 : Policy.VERSION_2008, out);
    }

    /** Counts the characters IAM counts against its size quotas: all but whitespace. */
    public static int quotaSize(String document) {
        int n = 0;
        for (int i = 0; i < document.length(); ) {
            int c = document.codePointAt(i);
            if (!Character.isWhitespace(c)) {
                n++;
            }
            i += Character.charCount(c);
        }
        return n;
    }

    // ------------------------------------------------------------------ grammar

    private static List<JsonNode> grammar(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw malformed(SYNTAX);
        }
        // a principal is named even when other errors follow: the most useful message for an identity policy
        JsonNode st = root.get("Statement");
        if (st != null) {
            for (JsonNode s : st.isArray() ? st : List.of(st)) {
                if (s.isObject() && (s.has("Principal") || s.has("NotPrincipal"))) {
                    throw malformed(PRINCIPAL);
                }
            }
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            if (!TOP.contains(it.next())) {
                throw malformed(SYNTAX);
            }
        }
        JsonNode version = root.get("Version");
        if (version != null && (!version.isTextual() || !VERSIONS.contains(version.asText()))) {
            throw malformed(SYNTAX);
        }
        JsonNode id = root.get("Id");
        if (id != null && !id.isTextual()) {
            throw malformed(SYNTAX);
        }
        if (st == null || !(st.isObject() || st.isArray())) {
            throw malformed(SYNTAX);
        }
        List<JsonNode> statements = new ArrayList<>();
        st.forEach(statements::add);
        if (st.isObject()) {
            statements = List.of(st);
        }
        if (statements.isEmpty()) {
            throw malformed(SYNTAX);
        }
        for (JsonNode s : statements) {
            statementGrammar(s);
        }
        return statements;
    }

    private static void statementGrammar(JsonNode s) {
        if (!s.isObject()) {
            throw malformed(SYNTAX);
        }
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            if (!STATEMENT_KEYS.contains(it.next())) {
                throw malformed(SYNTAX);
            }
        }
        if ((s.has("Action") && s.has("NotAction")) || (s.has("Resource") && s.has("NotResource"))) {
            throw malformed(SYNTAX);
        }
        JsonNode effect = s.get("Effect");
        if (effect == null || !effect.isTextual()
                || !(effect.asText().equalsIgnoreCase("Allow") || effect.asText().equalsIgnoreCase("Deny"))) {
            throw malformed(SYNTAX);
        }
        for (String element : List.of("Action", "NotAction", "Resource", "NotResource")) {
            stringOrStringList(s.get(element));
        }
        JsonNode sid = s.get("Sid");
        if (sid != null && !sid.isTextual()) {
            throw malformed(SYNTAX);
        }
        JsonNode cond = s.get("Condition");
        if (cond != null) {
            if (!cond.isObject()) {
                throw malformed(SYNTAX);
            }
            for (Map.Entry<String, JsonNode> op : cond.properties()) {
                operatorOf(op.getKey());
                if (!op.getValue().isObject()) {
                    throw malformed(SYNTAX);
                }
                for (Map.Entry<String, JsonNode> k : op.getValue().properties()) {
                    JsonNode v = k.getValue();
                    if (v.isArray()) {
                        for (JsonNode x : v) {
                            conditionScalar(x);
                        }
                    } else {
                        conditionScalar(v);
                    }
                }
            }
        }
    }

    private static void stringOrStringList(JsonNode n) {
        if (n == null || n.isTextual()) {
            return;
        }
        if (!n.isArray()) {
            throw malformed(SYNTAX);
        }
        for (JsonNode x : n) {
            if (!x.isTextual()) {
                throw malformed(SYNTAX);
            }
        }
    }

    /** Condition values: strings, and booleans and numbers taken as their text (IAM accepts both). */
    private static void conditionScalar(JsonNode x) {
        if (!(x.isTextual() || x.isBoolean() || x.isNumber())) {
            throw malformed(SYNTAX);
        }
    }

    /** Splits {@code ForAnyValue:StringLikeIfExists} into its parts; an unknown operator is a syntax error. */
    static Condition operatorOf(String name) {
        Condition.SetQualifier qualifier = Condition.SetQualifier.NONE;
        String rest = name;
        for (Condition.SetQualifier q : List.of(Condition.SetQualifier.FOR_ANY_VALUE,
                Condition.SetQualifier.FOR_ALL_VALUES)) {
            if (rest.startsWith(q.prefix())) {
                qualifier = q;
                rest = rest.substring(q.prefix().length());
            }
        }
        boolean ifExists = rest.endsWith("IfExists");
        if (ifExists) {
            rest = rest.substring(0, rest.length() - "IfExists".length());
        }
        ConditionOperator op = ConditionOperator.byName(rest);
        if (op == null || (op == ConditionOperator.NULL && (ifExists || qualifier != Condition.SetQualifier.NONE))) {
            throw malformed(SYNTAX);
        }
        return new Condition(qualifier, op, ifExists, "", List.of());
    }

    // ------------------------------------------------------------------ elements

    private static boolean isEmpty(JsonNode n) {
        return n == null || (n.isArray() && n.isEmpty());
    }

    private static void checkResource(String r) {
        if (r.equals("*")) {
            return;
        }
        String[] parts = r.split(":", 6);
        if (!r.startsWith("arn:") || parts.length < 6) {
            throw malformed("Resource " + r + " must be in ARN format or \"*\".");
        }
        String partition = parts[1];
        if (!partition.equals("aws")) {
            throw malformed("Partition \"" + partition + "\" is not valid for resource \"" + r + "\".");
        }
        String service = parts[2];
        if (service.isEmpty() || !VENDOR_NAME.matcher(service).matches()) {
            throw malformed("Resource vendor must be fully qualified and cannot contain regexes.");
        }
        String region = parts[3];
        if (service.equals("iam") && !region.isEmpty()) {
            throw malformed("IAM resource " + r + " cannot contain region information.");
        }
        if (service.equals("s3") && !region.isEmpty()) {
            throw malformed("Resource " + r + " can not contain region information.");
        }
        String resource = parts[5];
        if (service.equals("iam") && !resource.equals("*")
                && IAM_RESOURCE_STARTS.stream().noneMatch(resource::startsWith)) {
            throw malformed("IAM resource path must either be \"*\" or start with "
                    + String.join(", ", IAM_RESOURCE_STARTS) + ".");
        }
    }

    private static void checkAction(String a) {
        if (a.equals("*")) {
            return;
        }
        String[] parts = a.split(":", -1);
        if (parts.length == 1) {
            throw malformed(VENDOR);
        }
        if (parts.length > 2) {
            throw malformed(ONE_COLON);
        }
        if (!VENDOR_NAME.matcher(parts[0]).matches()) {
            throw malformed("Vendor " + parts[0] + " is not valid");
        }
        if (!ACTION_NAME.matcher(parts[1]).matches()) {
            throw malformed(SYNTAX);
        }
    }

    static Statement statement(JsonNode s, boolean variables) {
        Effect effect = s.get("Effect").asText().equals("Allow") ? Effect.ALLOW : Effect.DENY;
        List<String> actions = s.has("Action") ? strings(s.get("Action")) : null;
        List<String> notActions = s.has("NotAction") ? strings(s.get("NotAction")) : null;
        List<PolicyString> resources = s.has("Resource") ? compiled(s.get("Resource"), variables) : null;
        List<PolicyString> notResources = s.has("NotResource") ? compiled(s.get("NotResource"), variables) : null;
        JsonNode sid = s.get("Sid");
        return new Statement(sid == null ? null : sid.asText(), effect, actions, notActions, resources,
                notResources, conditions(s.get("Condition"), variables));
    }

    private static List<PolicyString> compiled(JsonNode n, boolean variables) {
        List<PolicyString> out = new ArrayList<>();
        for (String v : strings(n)) {
            out.add(PolicyString.of(v, variables));
        }
        return out;
    }

    private static List<Condition> conditions(JsonNode c, boolean variables) {
        List<Condition> out = new ArrayList<>();
        if (c == null) {
            return out;
        }
        for (Map.Entry<String, JsonNode> op : c.properties()) {
            Condition shape = operatorOf(op.getKey());
            ConditionOperator.Type type = shape.operator().type();
            for (Map.Entry<String, JsonNode> k : op.getValue().properties()) {
                String key = k.getKey();
                ConditionKeys.check(key);
                List<String> values = strings(k.getValue());
                if (values.isEmpty()) {
                    throw malformed(SYNTAX);
                }
                List<PolicyString> compiled = new ArrayList<>(values.size());
                for (String v : values) {
                    checkValue(type, v);
                    compiled.add(PolicyString.of(v, variables && type.takesVariables()));
                }
                out.add(new Condition(shape.qualifier(), shape.operator(), shape.ifExists(), key, compiled));
            }
        }
        return out;
    }

    /** Values the operator could never compare are refused (stricter than IAM, see the class comment). */
    private static void checkValue(ConditionOperator.Type type, String v) {
        boolean ok = switch (type) {
            case NUMERIC -> ConditionValues.number(v) != null;
            case BOOL, NULL -> ConditionValues.bool(v) != null;
            case IP -> IpRange.parse(v) != null;
            case BINARY -> ConditionValues.binary(v) != null;
            default -> true;
        };
        if (!ok) {
            throw malformed(SYNTAX);
        }
    }

    /** A string or array of scalars as text (the grammar was checked before). */
    static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (n.isArray()) {
            n.forEach(x -> out.add(x.asText()));
        } else {
            out.add(n.asText());
        }
        return out;
    }

    static boolean validKeyName(String key) {
        return KEY_NAME.matcher(key).matches();
    }

    static MalformedPolicyDocumentException malformed(String message) {
        return new MalformedPolicyDocumentException(message);
    }
}
