package dev.dualkey.mfa.policy;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dualkey.mfa.error.MalformedPolicyDocumentException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutated policy documents (the conformance table's policies with characters deleted, inserted, duplicated)
 * either parse or fail with MalformedPolicyDocument, never with another exception (which the gateway would
 * answer with a 500); what parses is evaluated against random requests without error. Fixed seed;
 * {@code -Dpolicy.fuzz.cases=1000000} for a longer run.
 */
class PolicyParserFuzzTest {
    private static final int CASES = Integer.getInteger("policy.fuzz.cases", 10_000);
    private static final String NOISE = "{}[]\":,*?$ \\/aZ09-_.'\u0000é";

    @Test
    void mutatedDocumentsParseOrAreMalformedNeverCrash() throws IOException {
        List<String> seeds = new ArrayList<>(PolicyConformanceTest.policyDocuments().values());
        Random r = new Random(1302L);
        int parsed = 0;
        int malformed = 0;
        for (int n = 0; n < CASES; n++) {
            String doc = mutate(seeds.get(r.nextInt(seeds.size())), r);
            Policy p;
            try {
                p = PolicyParser.parse(doc);
                parsed++;
            } catch (MalformedPolicyDocumentException e) {
                malformed++;
                assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
                continue;
            } catch (RuntimeException e) {
                fail("unexpected " + e + " for " + doc, e);
                return;
            }
            RequestContext request = new RequestContext("s3:GetObject", "arn:aws:s3:::examplebucket/" + (char) ('a'
                    + r.nextInt(26)), Map.of("aws:username", "alice", "aws:SourceIp", "10.0.0." + r.nextInt(300),
                    "aws:CurrentTime", "2026-12-02T07:00:00Z", "s3:max-keys", String.valueOf(r.nextInt(20))),
                    Map.of("aws:TagKeys", List.of("team", "env")));
            PolicyEvaluator.evaluate(List.of(p), request);
        }
        assertTrue(parsed > CASES / 20 && malformed > CASES / 20, "parsed " + parsed + ", malformed " + malformed);
    }

    private static String mutate(String s, Random r) {
        StringBuilder sb = new StringBuilder(s);
        int edits = 1 + r.nextInt(3);
        for (int i = 0; i < edits && sb.length() > 0; i++) {
            int at = r.nextInt(sb.length());
            switch (r.nextInt(4)) {
                case 0 -> sb.deleteCharAt(at);
                case 1 -> sb.insert(at, NOISE.charAt(r.nextInt(NOISE.length())));
                case 2 -> sb.setCharAt(at, NOISE.charAt(r.nextInt(NOISE.length())));
                default -> {
                    int end = Math.min(sb.length(), at + 1 + r.nextInt(12));
                    sb.insert(at, sb.substring(at, end));
                }
            }
        }
        return sb.toString();
    }
}
