package dev.dualkey.mfa.secret;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SecretBox with a key ring (master key rotation): values name the key that sealed them, layout-1 values written
 * before rotation existed still open, re-sealing moves a value to the current key; MasterKey's ring and the
 * introduction of a new key file.
 */
class SecretBoxRotationTest {
    @TempDir
    Path dir;

    private static byte[] key(int seed) {
        byte[] k = new byte[32];
        new Random(seed).nextBytes(k);
        return k;
    }

    /** A layout-1 value, byte for byte as SecretBox wrote it before rotation existed. */
    private static byte[] layout1(byte[] key, byte[] plain, String aad) throws Exception {
        byte[] nonce = new byte[12];
        new SecureRandom().nextBytes(nonce);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        c.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
        byte[] ct = c.doFinal(plain);
        byte[] out = new byte[1 + 12 + ct.length];
        out[0] = 1;
        System.arraycopy(nonce, 0, out, 1, 12);
        System.arraycopy(ct, 0, out, 13, ct.length);
        return out;
    }

    @Test
    void valuesUnderTheOldAndTheNewKeyCoexistAndResealingMovesThemToTheNewOne() throws Exception {
        byte[] oldKey = key(1);
        byte[] newKey = key(2);
        byte[] seed = "0123456789abcdefghij".getBytes(StandardCharsets.UTF_8);
        byte[] v1 = layout1(oldKey, seed, "seed:A");
        byte[] v2Old = new SecretBox(oldKey).seal(seed, "seed:A");
        assertEquals(2, v2Old[0]);

        SecretBox ring = new SecretBox(newKey, List.of(oldKey));
        assertTrue(ring.hasPreviousKeys());
        assertArrayEquals(seed, ring.open(v1, "seed:A"), "layout 1 still opens");
        assertArrayEquals(seed, ring.open(v2Old, "seed:A"));
        assertFalse(ring.sealedUnderCurrent(v1));
        assertFalse(ring.sealedUnderCurrent(v2Old));

        byte[] moved = ring.reseal(v1, "seed:A");
        assertTrue(ring.sealedUnderCurrent(moved));
        SecretBox newOnly = new SecretBox(newKey);
        assertArrayEquals(seed, newOnly.open(moved, "seed:A"));
        assertThrows(SecretBoxException.class, () -> newOnly.open(v2Old, "seed:A"), "unknown key is refused");
        assertThrows(SecretBoxException.class, () -> new SecretBox(oldKey).open(moved, "seed:A"));
        assertThrows(SecretBoxException.class, () -> ring.open(moved, "seed:B"), "still bound to its record");
        byte[] fpSwapped = moved.clone();
        java.nio.ByteBuffer.wrap(fpSwapped, 1, 4).putInt(SecretBox.fingerprint(oldKey));
        assertThrows(SecretBoxException.class, () -> ring.open(fpSwapped, "seed:A"));
    }

    @Test
    void rotateToSealsUnderTheNewKeyAndStillOpensTheOld() {
        byte[] oldKey = key(3);
        SecretBox box = new SecretBox(oldKey);
        byte[] before = box.seal(new byte[] {7}, "akid:X");
        box.rotateTo(key(4));
        assertEquals(SecretBox.fingerprint(key(4)), box.currentFingerprint());
        assertArrayEquals(new byte[] {7}, box.open(before, "akid:X"));
        assertTrue(box.sealedUnderCurrent(box.seal(new byte[] {8}, "akid:Y")));
    }

    @Test
    void theRingReadsTheEnvironmentAndThePreviousFileAndANewKeyFileIsIntroducedSafely() throws Exception {
        byte[] first = MasterKey.load(dir, Map.of()); // creates master.key
        assertFalse(MasterKey.loadRing(dir, Map.of()).rotating());
        byte[] fresh = MasterKey.introduceNewKey(dir, Map.of());
        MasterKey.Ring ring = MasterKey.loadRing(dir, Map.of());
        assertArrayEquals(fresh, ring.current());
        assertEquals(1, ring.previous().size());
        assertArrayEquals(first, ring.previous().get(0));
        assertEquals(PosixFilePermissions.fromString("rw-------"),
                Files.getPosixFilePermissions(dir.resolve(MasterKey.PREVIOUS_FILE_NAME)));
        assertThrows(IllegalStateException.class, () -> MasterKey.introduceNewKey(dir, Map.of()),
                "one rotation at a time");
        // a crash between writing the previous file and replacing the key file leaves both equal: no rotation
        Files.write(dir.resolve(MasterKey.PREVIOUS_FILE_NAME), fresh);
        assertFalse(MasterKey.loadRing(dir, Map.of()).rotating());
        byte[] third = MasterKey.introduceNewKey(dir, Map.of()); // and the command starts again from there
        MasterKey.Ring after = MasterKey.loadRing(dir, Map.of());
        assertArrayEquals(third, after.current());
        assertArrayEquals(fresh, after.previous().get(0));
        assertTrue(MasterKey.retirePreviousFile(dir));

        byte[] envKey = key(5);
        byte[] envPrev = key(6);
        MasterKey.Ring fromEnv = MasterKey.loadRing(dir, Map.of(MasterKey.ENV,
                Base64.getEncoder().encodeToString(envKey), MasterKey.PREVIOUS_ENV,
                Base64.getEncoder().encodeToString(envPrev) + "," + Base64.getEncoder().encodeToString(envKey)));
        assertTrue(fromEnv.fromEnvironment());
        assertArrayEquals(envKey, fromEnv.current());
        assertEquals(1, fromEnv.previous().size(), "the current key listed as previous too is dropped");
        assertThrows(IllegalStateException.class, () -> MasterKey.introduceNewKey(dir,
                Map.of(MasterKey.ENV, Base64.getEncoder().encodeToString(envKey))));
        assertThrows(IllegalStateException.class, () -> MasterKey.loadRing(dir, Map.of(MasterKey.PREVIOUS_ENV,
                "bm90IDMyIGJ5dGVz")));
    }
}
