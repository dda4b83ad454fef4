package dev.dualkey.storage.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class KvTxnTest {
    private static final byte[] K = {1};

    @Test
    void aSpaceIsPrintableAsciiWithoutSlash() {
        KvTxn t = new KvTxn().put("mfa.devices", K, K).expect("a~Z!0", K, null).delete("x", K);
        assertEquals(2, t.size());
        for (String bad : new String[] {"", "a/b", "a b", "tab\t", "caf\u00e9", "del\u007f"}) {
            assertThrows(IllegalArgumentException.class, () -> new KvTxn().put(bad, K, K), bad);
            assertThrows(IllegalArgumentException.class, () -> new KvTxn().expect(bad, K, K), bad);
        }
        assertThrows(NullPointerException.class, () -> new KvTxn().delete(null, K));
    }
}
