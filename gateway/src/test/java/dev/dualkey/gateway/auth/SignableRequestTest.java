package dev.dualkey.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link SignableRequest}'s header copy (issue 19 made it one pass): names lower-cased, the values of names that
 * differ only in case joined in the order sent, the first occurrence's position kept, nothing modifiable, and
 * later changes to the caller's lists not seen.
 */
class SignableRequestTest {
    @Test
    void headersAreLowerCasedJoinedInOrderAndImmutable() {
        Map<String, List<String>> in = new LinkedHashMap<>();
        List<String> first = new ArrayList<>(List.of("1", "2"));
        in.put("X-Amz-Meta-A", first);
        in.put("Host", List.of("h"));
        in.put("x-amz-meta-a", List.of("3"));
        in.put("X-AMZ-META-A", new ArrayList<>(List.of("4")));
        SignableRequest r = new SignableRequest("GET", "/b/k", List.of(), in);
        assertEquals(List.of("x-amz-meta-a", "host"), List.copyOf(r.headers().keySet()));
        assertEquals(List.of("1", "2", "3", "4"), r.headers().get("x-amz-meta-a"));
        assertEquals("1", r.header("X-Amz-Meta-A"));
        assertEquals("h", r.header("HOST"));
        first.add("late");
        assertEquals(List.of("1", "2", "3", "4"), r.headers().get("x-amz-meta-a"));
        assertThrows(UnsupportedOperationException.class, () -> r.headers().get("host").add("x"));
        assertThrows(UnsupportedOperationException.class, () -> r.headers().put("y", List.of()));
    }
}
