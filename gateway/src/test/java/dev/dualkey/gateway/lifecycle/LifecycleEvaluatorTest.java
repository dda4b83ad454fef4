package dev.dualkey.gateway.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.lifecycle.LifecycleEvaluator.Action;
import dev.dualkey.gateway.lifecycle.LifecycleEvaluator.Kind;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AWS's day rounding and the actions due on one key. */
class LifecycleEvaluatorTest {
    private static final Instant T0 = Instant.parse("2026-01-15T10:30:00Z");

    static ObjectVersion version(String key, long size, Map<String, String> tags) {
        return v(key, "v1", false, true, T0, size, tags);
    }

    static ObjectVersion v(String key, String id, boolean marker, boolean latest, Instant at, long size,
                           Map<String, String> tags) {
        return new ObjectVersion("b", key, id, marker, latest, size, marker ? "" : "etag", at, "acct",
                ObjectMetadata.builder().tags(tags).build(), 0, Map.of());
    }

    @Test
    void dueIsTheNextMidnightUtc() {
        // AWS's example: created 1/15 10:30 UTC, 3 days -> 1/19 00:00 UTC
        assertEquals(Instant.parse("2026-01-19T00:00:00Z"), LifecycleEvaluator.due(T0, 3));
        assertEquals(Instant.parse("2026-01-02T00:00:00Z"),
                LifecycleEvaluator.due(Instant.parse("2026-01-01T00:00:00Z"), 1));
    }

    @Test
    void expiryHeaderNamesTheEarliestRule() {
        LifecycleConfiguration c = LifecycleConfigurationTest.parse(
                "<Rule><ID>late</ID><Filter/><Status>Enabled</Status><Expiration><Days>10</Days></Expiration></Rule>"
                + "<Rule><ID>soon</ID><Filter><Prefix>a</Prefix></Filter><Status>Enabled</Status>"
                + "<Expiration><Days>3</Days></Expiration></Rule>"
                + "<Rule><ID>off</ID><Filter/><Status>Disabled</Status><Expiration><Days>1</Days></Expiration></Rule>");
        assertEquals("expiry-date=\"Mon, 19 Jan 2026 00:00:00 GMT\", rule-id=\"soon\"",
                ExpirationHeader.value(c, version("a", 1, Map.of())));
        assertEquals("expiry-date=\"Mon, 26 Jan 2026 00:00:00 GMT\", rule-id=\"late\"",
                ExpirationHeader.value(c, version("b", 1, Map.of())));
        assertEquals(null, ExpirationHeader.value(c, v("a", "x", false, false, T0, 1, Map.of())));
    }

    @Test
    void noncurrentVersionsExpireFromTheirSuccessorsTimeKeepingTheNewest() {
        LifecycleConfiguration c = LifecycleConfigurationTest.parse("<Rule><ID>nc</ID><Filter/><Status>Enabled"
                + "</Status><NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays>"
                + "<NewerNoncurrentVersions>1</NewerNoncurrentVersions></NoncurrentVersionExpiration></Rule>");
        Instant d1 = Instant.parse("2026-01-01T12:00:00Z");
        List<ObjectVersion> key = List.of(
                v("k", "v4", false, true, d1.plusSeconds(40), 1, Map.of()),
                v("k", "v3", false, false, d1.plusSeconds(30), 1, Map.of()),
                v("k", "v2", false, false, d1.plusSeconds(20), 1, Map.of()),
                v("k", "v1", false, false, d1.plusSeconds(10), 1, Map.of()));
        // before midnight after day 1: nothing
        assertTrue(LifecycleEvaluator.decide(c, key, Instant.parse("2026-01-02T23:59:59Z")).isEmpty());
        // then v2 and v1 (v3 is the one newest noncurrent version kept)
        assertEquals(List.of(new Action(Kind.EXPIRE_NONCURRENT, "v2", "nc"), new Action(Kind.EXPIRE_NONCURRENT, "v1",
                "nc")), LifecycleEvaluator.decide(c, key, Instant.parse("2026-01-03T00:00:00Z")));
    }

    @Test
    void currentExpiryAndLoneMarkers() {
        LifecycleConfiguration c = LifecycleConfigurationTest.parse("<Rule><ID>e</ID><Filter/><Status>Enabled"
                + "</Status><Expiration><Days>1</Days></Expiration></Rule><Rule><ID>m</ID><Filter/><Status>Enabled"
                + "</Status><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>"
                + "</Rule>");
        Instant later = T0.plusSeconds(3 * 86400);
        assertEquals(List.of(new Action(Kind.EXPIRE_CURRENT, "v1", "e")),
                LifecycleEvaluator.decide(c, List.of(version("k", 1, Map.of())), later));
        ObjectVersion marker = v("k", "m1", true, true, T0, 0, Map.of());
        assertEquals(List.of(new Action(Kind.REMOVE_EXPIRED_MARKER, "m1", "m")),
                LifecycleEvaluator.decide(c, List.of(marker), later));
        // a marker with versions behind it is not expired
        assertTrue(LifecycleEvaluator.decide(c, List.of(marker, v("k", "v0", false, false, T0, 1, Map.of())), later)
                .isEmpty());
    }
}
