package dev.dualkey.storage.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.storage.error.StorageIoException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@link StoreKeys#decodeKey}: the in-place path (no 0x00 in the key) and the escaped path agree with encoding. */
class StoreKeysDecodeTest {
    private static final byte[] SEQ = new byte[16];

    @Test
    void objectAndVersionKeysDecodeBackToTheKey() {
        int prefix = StoreKeys.bucketPrefix("b").length;
        for (String key : new String[] {"", "v/0001", "caf\u00e9/\uD83D\uDE00", "a\u0000b", "\u0000", "x\u0000"}) {
            assertEquals(key, StoreKeys.decodeKey(StoreKeys.objectKey("b", key), prefix), key);
            assertEquals(key, StoreKeys.decodeKey(StoreKeys.versionKey("b", key, SEQ), prefix), key);
        }
    }

    @Test
    void aKeyWithoutItsTerminatorIsCorrupt() {
        int prefix = StoreKeys.bucketPrefix("b").length;
        byte[] ok = StoreKeys.objectKey("b", "abc");
        assertThrows(StorageIoException.class, () -> StoreKeys.decodeKey(Arrays.copyOf(ok, ok.length - 1), prefix));
        assertThrows(StorageIoException.class, () -> StoreKeys.decodeKey(Arrays.copyOf(ok, ok.length - 2), prefix));
        byte[] badEscape = ok.clone();
        badEscape[badEscape.length - 1] = 0x7f; // an escape byte followed by neither terminator nor escaped zero
        assertThrows(StorageIoException.class, () -> StoreKeys.decodeKey(badEscape, prefix));
    }
}
