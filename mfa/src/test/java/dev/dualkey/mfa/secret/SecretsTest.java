package dev.dualkey.mfa.secret;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import dev.dualkey.mfa.otp.Base32;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {
    @TempDir
    Path dir;

    @Test
    void seedsAre320BitsAndDiffer() {
        SeedGenerator g = new SeedGenerator();
        byte[] a = g.newSeed();
        assertEquals(40, a.length);
        assertEquals(64, Base32.encode(a).length());
        assertFalse(java.util.Arrays.equals(a, g.newSeed()));
    }

    @Test
    void qrPngDecodesBackToTheOtpauthUri() throws Exception {
        byte[] seed = new SeedGenerator().newSeed();
        String uri = OtpAuthUri.of("alice-phone", "alice", seed);
        assertEquals("otpauth://totp/alice-phone@alice?secret=" + Base32.encode(seed) + "&issuer=Dualkey", uri);
        byte[] png = QrCodes.png(uri);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        String decoded = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(
                new BufferedImageLuminanceSource(image))), java.util.Map.of(com.google.zxing.DecodeHintType.PURE_BARCODE, Boolean.TRUE)).getText();
        assertEquals(uri, decoded);
    }

    @Test
    void qrPngDecodesForEveryLabelLengthAndManySeeds() throws Exception {
        SeedGenerator g = new SeedGenerator();
        for (int i = 0; i < 640; i++) {
            int len = 1 + i % 64;
            String name = "d".repeat(len);
            String uri = OtpAuthUri.of(name, "123456789012", g.newSeed());
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(QrCodes.png(uri)));
            assertEquals(0, image.getWidth() % 6, "whole pixels per module");
            String decoded = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(
                    new BufferedImageLuminanceSource(image))), java.util.Map.of(com.google.zxing.DecodeHintType.PURE_BARCODE, Boolean.TRUE)).getText();
            assertEquals(uri, decoded, "label length " + len);
        }
    }

    @Test
    void uriLabelIsPercentEncoded() {
        String uri = OtpAuthUri.of("my device", "123456789012", new byte[] {1, 2, 3, 4, 5});
        assertTrue(uri.startsWith("otpauth://totp/my%20device@123456789012?secret="), uri);
    }

    @Test
    void secretBoxRoundTripsAndBindsTheRecord() {
        byte[] key = new byte[32];
        key[0] = 7;
        SecretBox box = new SecretBox(key);
        byte[] secret = "seed bytes".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = box.seal(secret, "seed:A");
        assertNotEquals(new String(sealed, StandardCharsets.ISO_8859_1).contains("seed bytes"), true);
        assertArrayEquals(secret, box.open(sealed, "seed:A"));
        assertFalse(java.util.Arrays.equals(sealed, box.seal(secret, "seed:A")), "fresh nonce per seal");
        assertThrows(SecretBoxException.class, () -> box.open(sealed, "seed:B"));
        byte[] tampered = sealed.clone();
        tampered[tampered.length - 1] ^= 1;
        assertThrows(SecretBoxException.class, () -> box.open(tampered, "seed:A"));
        assertThrows(SecretBoxException.class, () -> new SecretBox(new byte[32]).open(sealed, "seed:A"));
    }

    @Test
    void masterKeyFileIsCreatedOwnerOnlyAndReused() throws Exception {
        byte[] first = MasterKey.load(dir, Map.of());
        Path file = dir.resolve(MasterKey.FILE_NAME);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertArrayEquals(first, MasterKey.load(dir, Map.of()));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThrows(IllegalStateException.class, () -> MasterKey.load(dir, Map.of()));
    }

    @Test
    void masterKeyFromEnvironment() {
        byte[] k = new byte[32];
        k[5] = 9;
        assertArrayEquals(k, MasterKey.load(dir, Map.of(MasterKey.ENV, Base64.getEncoder().encodeToString(k))));
        assertFalse(Files.exists(dir.resolve(MasterKey.FILE_NAME)));
        assertThrows(IllegalStateException.class, () -> MasterKey.load(dir, Map.of(MasterKey.ENV, "AAAA")));
    }

    @Test
    void argon2idHashVerifiesAndStoresParameters() {
        PasswordHasher h = new PasswordHasher(PasswordHasher.Params.forTests());
        String hash = h.hash("Correct-Horse-9");
        assertTrue(hash.startsWith("$argon2id$v=19$m=64,t=1,p=1$"), hash);
        assertFalse(hash.contains("Correct-Horse-9"));
        assertTrue(h.verify("Correct-Horse-9", hash));
        assertFalse(h.verify("Correct-Horse-8", hash));
        assertNotEquals(hash, h.hash("Correct-Horse-9"), "salted");
        // a hasher with other parameters still verifies old hashes (parameters come from the string)
        assertTrue(new PasswordHasher(new PasswordHasher.Params(128, 2, 1)).verify("Correct-Horse-9", hash));
        assertFalse(h.verify("x", "$argon2i$v=19$m=64,t=1,p=1$AAAA$AAAA"));
        assertFalse(h.verify("x", "garbage"));
    }
}
