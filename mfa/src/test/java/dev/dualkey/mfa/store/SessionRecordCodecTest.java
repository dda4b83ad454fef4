package dev.dualkey.mfa.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.dualkey.storage.rocks.BinaryWriter;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Session layout 2 (bound to principal and password generation) round-trips; layout-1 records read unbound. */
class SessionRecordCodecTest {
    private static final Instant T = Instant.parse("2026-12-02T07:00:00Z");

    @Test
    void layoutTwoRoundTrips() {
        SessionRecord s = new SessionRecord(false, "123456789012", "alice", T, T.plusSeconds(5), true, 0, false,
                "AIDAEXAMPLE", "gen-1", T.plusSeconds(2));
        assertEquals(s, MfaCodecs.SESSION.decode(MfaCodecs.SESSION.encode(s)));
        SessionRecord noMfa = new SessionRecord(true, "123456789012", "root", T, T, false, 3, true, "123456789012",
                "gen-2", null);
        assertEquals(noMfa, MfaCodecs.SESSION.decode(MfaCodecs.SESSION.encode(noMfa)));
    }

    @Test
    void aLayoutOneSessionReadsWithoutBindingSoItIsNeverValid() {
        byte[] v1 = BinaryWriter.withVersion(1).writeBoolean(false).writeString("123456789012").writeString("alice")
                .writeInstant(T).writeInstant(T).writeBoolean(true).writeInt(0).writeBoolean(false).toByteArray();
        SessionRecord s = MfaCodecs.SESSION.decode(v1);
        assertEquals("alice", s.userName());
        assertNull(s.principalId());
        assertNull(s.credential());
        assertNull(s.mfaAuthenticatedAt());
    }
}
