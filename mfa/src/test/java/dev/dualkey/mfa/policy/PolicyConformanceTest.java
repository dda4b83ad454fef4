package dev.dualkey.mfa.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The policy conformance table ({@code conformance.json} beside this class): each case is (policies, request
 * action/resource/condition keys) -> ALLOW / EXPLICIT_DENY / IMPLICIT_DENY, drawn from AWS's IAM documentation.
 * Every policy of the table also goes through {@link PolicyParser}'s validation. The same file is meant for an
 * end-to-end replay (cases with {@code "e2e": true}); see its description.
 */
class PolicyConformanceTest {
    static final String RESOURCE = "/dev/dualkey/mfa/policy/conformance.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One row of the table. */
    record Case(String id, List<String> policies, String action, String resource, Map<String, String> keys,
                Map<String, List<String>> multiValuedKeys, Decision expect, boolean e2e) {
    }

    static JsonNode table() throws IOException {
        try (InputStream in = PolicyConformanceTest.class.getResourceAsStream(RESOURCE)) {
            return JSON.readTree(in);
        }
    }

    static List<Case> cases() throws IOException {
        JsonNode root = table();
        List<Case> out = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            List<String> policies = new ArrayList<>();
            c.get("policies").forEach(p -> policies.add(p.asText()));
            Map<String, String> keys = new LinkedHashMap<>();
            if (c.has("keys")) {
                c.get("keys").properties().forEach(e -> keys.put(e.getKey(), e.getValue().asText()));
            }
            Map<String, List<String>> multi = new LinkedHashMap<>();
            if (c.has("multiValuedKeys")) {
                c.get("multiValuedKeys").properties().forEach(e -> {
                    List<String> values = new ArrayList<>();
                    e.getValue().forEach(v -> values.add(v.asText()));
                    multi.put(e.getKey(), values);
                });
            }
            out.add(new Case(c.get("id").asText(), policies, c.get("action").asText(), c.get("resource").asText(),
                    keys, multi, Decision.valueOf(c.get("expect").asText()), c.path("e2e").asBoolean(false)));
        }
        return out;
    }

    /** The named policy documents as JSON text, exactly as PutUserPolicy would receive them. */
    static Map<String, String> policyDocuments() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : table().get("policies").properties()) {
            out.put(e.getKey(), JSON.writeValueAsString(e.getValue()));
        }
        return out;
    }

    static Stream<Arguments> rows() throws IOException {
        return cases().stream().map(c -> Arguments.of(c.id(), c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void decidesAsAws(String id, Case c) throws IOException {
        Map<String, String> docs = policyDocuments();
        List<Policy> policies = new ArrayList<>();
        for (String name : c.policies()) {
            policies.add(PolicyParser.parse(docs.get(name)));
        }
        Decision d = PolicyEvaluator.evaluate(policies, new RequestContext(c.action(), c.resource(), c.keys(),
                c.multiValuedKeys()));
        assertEquals(c.expect(), d, id);
    }

    @Test
    void tableIsWellFormedAndCoversEveryOutcome() throws IOException {
        List<Case> cases = cases();
        Map<String, String> docs = policyDocuments();
        Set<String> ids = new HashSet<>();
        Set<String> used = new HashSet<>();
        for (Case c : cases) {
            assertTrue(ids.add(c.id()), "duplicate id " + c.id());
            for (String p : c.policies()) {
                assertTrue(docs.containsKey(p), c.id() + " names unknown policy " + p);
                used.add(p);
            }
        }
        assertEquals(docs.keySet(), used, "every policy is used by a case");
        assertTrue(cases.size() >= 60, "cases: " + cases.size());
        for (Decision d : Decision.values()) {
            assertTrue(cases.stream().anyMatch(c -> c.expect() == d), "no case expects " + d);
        }
        // every operator of the language appears in the table
        String all = String.join("", docs.values());
        for (ConditionOperator op : ConditionOperator.values()) {
            assertTrue(all.contains("\"" + op.awsName()) || all.contains(":" + op.awsName()),
                    "operator without a case: " + op.awsName());
        }
        assertTrue(cases.stream().filter(Case::e2e).count() >= 20, "e2e subset");
    }
}
