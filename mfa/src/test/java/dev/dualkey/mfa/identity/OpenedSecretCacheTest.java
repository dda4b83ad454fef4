package dev.dualkey.mfa.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.mfa.secret.SecretBox;
import dev.dualkey.mfa.secret.SecretBoxException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class OpenedSecretCacheTest {
    private final SecretBox box = new SecretBox(new byte[32]);

    private byte[] seal(String secret, String id) {
        return box.seal(secret.getBytes(StandardCharsets.UTF_8), "akid:" + id);
    }

    @Test
    void sameSealedValueIsOpenedOnce() {
        OpenedSecretCache cache = new OpenedSecretCache(box, 16);
        byte[] sealed = seal("s3cret", "AKIA1");
        String first = cache.open("AKIA1", sealed, "akid:AKIA1");
        assertEquals("s3cret", first);
        // the very same String comes back: the second call did not decrypt again
        assertSame(first, cache.open("AKIA1", sealed.clone(), "akid:AKIA1"));
        assertEquals(1, cache.size());
    }

    @Test
    void aNewSealedValueUnderTheSameIdReplacesTheEntry() {
        OpenedSecretCache cache = new OpenedSecretCache(box, 16);
        cache.open("AKIA1", seal("old", "AKIA1"), "akid:AKIA1");
        assertEquals("new", cache.open("AKIA1", seal("new", "AKIA1"), "akid:AKIA1"));
        assertEquals(1, cache.size());
    }

    @Test
    void aTamperedRecordIsNeverAnsweredFromTheCache() {
        OpenedSecretCache cache = new OpenedSecretCache(box, 16);
        byte[] sealed = seal("s3cret", "AKIA1");
        cache.open("AKIA1", sealed, "akid:AKIA1");
        byte[] tampered = Arrays.copyOf(sealed, sealed.length);
        tampered[tampered.length - 1] ^= 1;
        assertThrows(SecretBoxException.class, () -> cache.open("AKIA1", tampered, "akid:AKIA1"));
        // a value sealed for another record does not open under this one either
        assertThrows(SecretBoxException.class, () -> cache.open("AKIA2", sealed, "akid:AKIA2"));
    }

    @Test
    void forgetAndCapacityBoundTheCache() {
        OpenedSecretCache cache = new OpenedSecretCache(box, 3);
        for (int i = 0; i < 3; i++) {
            cache.open("AKIA" + i, seal("s" + i, "AKIA" + i), "akid:AKIA" + i);
        }
        assertEquals(3, cache.size());
        cache.open("AKIA9", seal("s9", "AKIA9"), "akid:AKIA9");
        assertEquals(1, cache.size());
        cache.forget("AKIA9");
        assertEquals(0, cache.size());
    }
}
