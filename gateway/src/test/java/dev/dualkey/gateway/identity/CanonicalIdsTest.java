package dev.dualkey.gateway.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Canonical user ids: the derivation, unchanged by the cache of derived ids (issue 19). */
class CanonicalIdsTest {
    static String sha256Hex(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theIdIsTheHexSha256OfTheDomainAndTheAccountIdEveryTime() throws Exception {
        String expected = sha256Hex("dualkey-canonical-user-v1:111122223333");
        assertEquals(expected, CanonicalIds.of("111122223333"));
        assertEquals(expected, CanonicalIds.of("111122223333")); // from the cache
        assertEquals(expected, CanonicalIds.derive("111122223333"));
        assertNotEquals(expected, CanonicalIds.of("111122223334"));
        assertTrue(CanonicalIds.wellFormed(expected));
    }

    @Test
    void moreAccountsThanTheCacheHoldsStillGetTheirOwnIds() throws Exception {
        for (int i = 0; i < CanonicalIds.MAX_CACHED * 2 + 7; i++) {
            String account = String.format("%012d", i);
            assertEquals(sha256Hex("dualkey-canonical-user-v1:" + account), CanonicalIds.of(account), account);
        }
    }

    @Test
    void theReverseLookupFindsOnlyKnownAccounts() {
        CanonicalIds ids = new CanonicalIds(() -> List.of("111122223333", "444455556666"));
        assertEquals(Optional.of("444455556666"), ids.accountIdOf(CanonicalIds.of("444455556666").toUpperCase()));
        assertEquals(Optional.empty(), ids.accountIdOf(CanonicalIds.of("777788889999")));
        assertEquals(Optional.empty(), ids.accountIdOf("not-an-id"));
    }
}
