package dev.dualkey.mfa.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.mfa.error.MalformedPolicyDocumentException;
import org.junit.jupiter.api.Test;

class PolicyCacheTest {
    private static String doc(int i) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\","
                + "\"Resource\":\"arn:aws:s3:::b/" + i + "\"}}";
    }

    @Test
    void parsesEachDocumentOnceAndStaysBounded() {
        PolicyCache cache = new PolicyCache(3);
        Policy first = cache.parse(doc(1));
        assertSame(first, cache.parse(doc(1)), "a cached document is not parsed again");
        for (int i = 2; i <= 10; i++) {
            cache.parse(doc(i));
        }
        assertEquals(3, cache.size());
        assertNotSame(first, cache.parse(doc(1)), "evicted, parsed again");
        MalformedPolicyDocumentException e = assertThrows(MalformedPolicyDocumentException.class,
                () -> cache.parse("{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"foo\"}}"));
        assertEquals("Resource foo must be in ARN format or \"*\".", e.getMessage());
        assertThrows(MalformedPolicyDocumentException.class,
                () -> cache.parse("{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"foo\"}}"));
        assertEquals(3, cache.size());
    }
}
