package dev.dualkey.mfa.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.dualkey.mfa.error.MalformedPolicyDocumentException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses IAM policy JSON (identity policies) strictly: unknown top-level or statement elements, missing Effect,
 * both Action and NotAction, a missing Action, or unsupported condition operators are refused with
 * {@link MalformedPolicyDocumentException}, so a policy never silently means less than its author thought.
 */
public final class PolicyParser {
    /** IAM's inline policy size quota for users (characters, whitespace excluded by AWS; we count all). */
    public static final int MAX_DOCUMENT_CHARS = 2048 * 4;
    private static final Set<String> VERSIONS = Set.of("2012-10-17", "2008-10-17");
    private static final Set<String> TOP = Set.of("Version", "Id", "Statement");
    private static final Set<String> STATEMENT_KEYS = Set.of("Sid", "Effect", "Action", "NotAction", "Resource",
            "NotResource", "Condition");
    private static final Set<String> OPERATORS = Set.of("StringEquals", "StringNotEquals", "StringEqualsIgnoreCase",
            "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike", "Bool", "Null", "ArnEquals", "ArnLike",
            "ArnNotEquals", "ArnNotLike");
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private PolicyParser() {
    }

    /** Parses and validates {@code document}. */
    public static Policy parse(String document) {
        if (document == null || document.isBlank()) {
            throw malformed("Syntax errors in policy.");
        }
        if (document.length() > MAX_DOCUMENT_CHARS) {
            throw new MalformedPolicyDocumentException("Maximum policy size of " + MAX_DOCUMENT_CHARS
                    + " bytes exceeded for user policy.");
        }
        JsonNode root;
        try {
            root = JSON.readTree(document);
        } catch (JsonProcessingException e) {
            throw malformed("Syntax errors in policy.");
        }
        if (root == null || !root.isObject()) {
            throw malformed("Syntax errors in policy.");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!TOP.contains(f)) {
                throw malformed("Policy document contains unknown element " + f + ".");
            }
        }
        JsonNode version = root.get("Version");
        String v = version == null ? "2008-10-17" : version.asText();
        if (version != null && (!version.isTextual() || !VERSIONS.contains(v))) {
            throw malformed("The policy must contain a valid version string");
        }
        JsonNode st = root.get("Statement");
        if (st == null) {
            throw malformed("Syntax errors in policy.");
        }
        List<Statement> statements = new ArrayList<>();
        if (st.isArray()) {
            for (JsonNode s : st) {
                statements.add(statement(s));
            }
        } else {
            statements.add(statement(st));
        }
        if (statements.isEmpty()) {
            throw malformed("Syntax errors in policy.");
        }
        return new Policy(v, statements);
    }

    private static Statement statement(JsonNode s) {
        if (!s.isObject()) {
            throw malformed("Syntax errors in policy.");
        }
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (f.equals("Principal") || f.equals("NotPrincipal")) {
                throw malformed("Policy document should not specify a principal.");
            }
            if (!STATEMENT_KEYS.contains(f)) {
                throw malformed("Statement contains unknown element " + f + ".");
            }
        }
        JsonNode e = s.get("Effect");
        Effect effect;
        if (e != null && e.isTextual() && e.asText().equals("Allow")) {
            effect = Effect.ALLOW;
        } else if (e != null && e.isTextual() && e.asText().equals("Deny")) {
            effect = Effect.DENY;
        } else {
            throw malformed("Invalid effect: " + (e == null ? "missing" : e.asText()));
        }
        List<String> actions = strings(s.get("Action"));
        List<String> notActions = strings(s.get("NotAction"));
        if ((actions == null) == (notActions == null)) {
            throw malformed("Policy statement must contain actions.");
        }
        for (String a : actions != null ? actions : notActions) {
            if (!a.equals("*") && !a.matches("[A-Za-z0-9-]+:[A-Za-z0-9*?]+")) {
                throw malformed("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
            }
        }
        List<String> resources = strings(s.get("Resource"));
        List<String> notResources = strings(s.get("NotResource"));
        if ((resources == null) == (notResources == null)) {
            throw malformed("Policy statement must contain resources.");
        }
        JsonNode sid = s.get("Sid");
        return new Statement(sid == null ? null : sid.asText(), effect, actions, notActions, resources,
                notResources, conditions(s.get("Condition")));
    }

    private static List<Condition> conditions(JsonNode c) {
        List<Condition> out = new ArrayList<>();
        if (c == null) {
            return out;
        }
        if (!c.isObject()) {
            throw malformed("Syntax errors in policy.");
        }
        for (Map.Entry<String, JsonNode> op : c.properties()) {
            String name = op.getKey();
            boolean ifExists = name.endsWith("IfExists");
            String base = ifExists ? name.substring(0, name.length() - "IfExists".length()) : name;
            if (!OPERATORS.contains(base) || (ifExists && base.equals("Null"))) {
                throw malformed("Invalid Condition type : " + name + ".");
            }
            if (!op.getValue().isObject()) {
                throw malformed("Syntax errors in policy.");
            }
            for (Map.Entry<String, JsonNode> k : op.getValue().properties()) {
                List<String> values = strings(k.getValue());
                if (values == null || values.isEmpty()) {
                    throw malformed("Syntax errors in policy.");
                }
                if ((base.equals("Bool") || base.equals("Null"))) {
                    for (String val : values) {
                        String l = val.toLowerCase(Locale.ROOT);
                        if (!l.equals("true") && !l.equals("false")) {
                            throw malformed("Invalid Condition value for " + name + ": " + val);
                        }
                    }
                }
                out.add(new Condition(base, ifExists, k.getKey(), values));
            }
        }
        return out;
    }

    /** A string or array of strings (booleans and numbers accepted as their text, like IAM); null if absent. */
    private static List<String> strings(JsonNode n) {
        if (n == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        if (n.isArray()) {
            for (JsonNode x : n) {
                out.add(scalar(x));
            }
            if (out.isEmpty()) {
                throw malformed("Syntax errors in policy.");
            }
        } else {
            out.add(scalar(n));
        }
        return out;
    }

    private static String scalar(JsonNode x) {
        if (!x.isValueNode() || x.isNull()) {
            throw malformed("Syntax errors in policy.");
        }
        return x.asText();
    }

    private static MalformedPolicyDocumentException malformed(String message) {
        return new MalformedPolicyDocumentException(message);
    }
}
