package dev.dualkey.compat.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The fuzzer's invariant can fail: each way the protected state can move wrongly is reported. */
class StoreSnapshotTest {
    private static final StoreSnapshot BEFORE = new StoreSnapshot(Set.of("a|v1|\"e1\"", "a|v2|\"e2\""),
            "Enabled/Enabled", Set.of("AKIA1 Active", "mfa arn:aws:iam::1:mfa/root"));

    @Test
    void addedVersionsAndDeleteMarkersAreFine() {
        assertNull(BEFORE.violation(new StoreSnapshot(Set.of("a|v1|\"e1\"", "a|v2|\"e2\"", "a|v3|marker"),
                "Enabled/Enabled", BEFORE.rootIam()), false));
    }

    @Test
    void aRemovedOrReplacedVersionIsAViolation() {
        assertTrue(BEFORE.violation(new StoreSnapshot(Set.of("a|v1|\"e1\""), "Enabled/Enabled", BEFORE.rootIam()),
                false).contains("a|v2"));
        assertTrue(BEFORE.violation(new StoreSnapshot(Set.of("a|v1|\"e1\"", "a|v2|\"XX\""), "Enabled/Enabled",
                BEFORE.rootIam()), false).contains("removed or replaced"));
    }

    @Test
    void aVersioningChangeIsAViolation() {
        assertEquals("versioning of the MFA Delete bucket changed: Enabled/Enabled -> Enabled/Disabled",
                BEFORE.violation(new StoreSnapshot(BEFORE.versions(), "Enabled/Disabled", BEFORE.rootIam()), true));
    }

    @Test
    void rootIamChangesNeedASuccessfulIamRequest() {
        StoreSnapshot after = new StoreSnapshot(BEFORE.versions(), "Enabled/Enabled", Set.of("AKIA1 Active"));
        assertTrue(BEFORE.violation(after, false).startsWith("root's keys or devices changed"));
        assertNull(BEFORE.violation(after, true));
    }
}
