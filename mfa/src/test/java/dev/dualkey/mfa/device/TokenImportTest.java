package dev.dualkey.mfa.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.mfa.error.InvalidInputException;
import dev.dualkey.mfa.otp.Base32;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenImportTest {
    private static final Path SHARED = Path.of("/work/shared/data");
    /** The shared test data, copied here so the test does not depend on files outside the module. */
    private static final String CSV = """
            # serial,base32 seed (test tokens only: these seeds are public)
            GAHT10000001,JUGVDLRRJSJPIGTVQF7LOY6B5FU37XU5
            GAHT10000002,OPSRSEGQJNATIEL7PDF7USUKLQYMA5ED
            GAHT10000003,TJEY2GVS5ECAPAHCKH4KKV2GY6H3OMKV
            """;
    private static final String[] PLAIN_B64 = {"TQ1RrjFMkvQadYF+t2PB6Wm/3p0=", "c+UZENBLQTQRf3jL+kqKXDDAdIM=",
        "mkmNGrLpBAeA4lH4pVdGx4+3MVU="};

    @TempDir
    Path dir;

    @Test
    void csvAndPlainPskcYieldTheSameTokens() throws Exception {
        List<ImportedToken> csv = TokenImport.parseCsv(CSV);
        Path pskc = dir.resolve("tokens.pskc");
        Files.writeString(pskc, pskc(PLAIN_B64, null, null));
        List<ImportedToken> fromPskc = TokenImport.read(pskc, null);
        assertEquals(3, csv.size());
        assertEquals(3, fromPskc.size());
        for (int i = 0; i < 3; i++) {
            assertEquals("GAHT1000000" + (i + 1), csv.get(i).serial());
            assertEquals(csv.get(i).serial(), fromPskc.get(i).serial());
            assertArrayEquals(csv.get(i).seed(), fromPskc.get(i).seed());
            assertArrayEquals(Base64.getDecoder().decode(PLAIN_B64[i]), fromPskc.get(i).seed());
        }
        assertTrue(csv.get(0).toString().contains("hidden"));
    }

    @Test
    void sharedFilesParseWhenPresent() {
        if (Files.exists(SHARED.resolve("test-tokens.pskc"))) {
            List<ImportedToken> a = TokenImport.read(SHARED.resolve("test-tokens.pskc"), null);
            List<ImportedToken> b = TokenImport.read(SHARED.resolve("test-tokens.csv"), null);
            assertEquals(a.size(), b.size());
            assertArrayEquals(a.get(2).seed(), b.get(2).seed());
        } else {
            assertEquals(3, TokenImport.parseCsv(CSV).size());
        }
    }

    @Test
    void encryptedPskcDecryptsWithTheTransportKeyAndVerifiesTheMac() throws Exception {
        byte[] transport = hex("12345678901234567890123456789012");
        byte[] macKey = hex("1122334455667788990011223344556677889900");
        byte[] secret = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
        byte[] encMac = cbc(transport, macKey, hex("00112233445566778899aabbccddeeff"));
        byte[] encSecret = cbc(transport, secret, hex("0f0e0d0c0b0a09080706050403020100"));
        String xml = pskc(new String[] {null}, new byte[][] {encSecret}, new Object[] {encMac, macKey});
        List<ImportedToken> t = TokenImport.parsePskc(xml.getBytes(StandardCharsets.UTF_8), transport);
        assertEquals(1, t.size());
        assertArrayEquals(secret, t.get(0).seed());

        InvalidInputException noKey = assertThrows(InvalidInputException.class,
                () -> TokenImport.parsePskc(xml.getBytes(StandardCharsets.UTF_8), null));
        assertTrue(noKey.getMessage().contains("transport key"));
        byte[] wrong = transport.clone();
        wrong[0] ^= 1;
        assertThrows(InvalidInputException.class, () -> TokenImport.parsePskc(xml.getBytes(StandardCharsets.UTF_8),
                wrong));
        // a flipped ciphertext byte fails the ValueMAC before decryption
        byte[] flipped = encSecret.clone();
        flipped[20] ^= 1;
        String bad = xml.replace(Base64.getEncoder().encodeToString(encSecret),
                Base64.getEncoder().encodeToString(flipped));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> TokenImport.parsePskc(bad.getBytes(StandardCharsets.UTF_8), transport));
        assertTrue(e.getMessage().contains("ValueMAC"), e.getMessage());
    }

    @Test
    void badInputIsRefusedWholesale() {
        assertThrows(InvalidInputException.class, () -> TokenImport.parseCsv("GAHT10000001,not*base32"));
        assertThrows(InvalidInputException.class, () -> TokenImport.parseCsv("short,"
                + Base32.encode(new byte[20])));
        assertThrows(InvalidInputException.class, () -> TokenImport.parseCsv("GAHT10000001,"
                + Base32.encode(new byte[20]) + "\nGAHT10000001," + Base32.encode(new byte[20])));
        assertThrows(InvalidInputException.class, () -> TokenImport.parsePskc(
                "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>".getBytes(StandardCharsets.UTF_8),
                null));
        assertThrows(InvalidInputException.class, () -> TokenImport.parsePskc(
                pskc(PLAIN_B64, null, null).replace("pskc:totp", "pskc:hotp").getBytes(StandardCharsets.UTF_8), null));
    }

    /** Builds a PSKC container; entries with a null plain value use the encrypted value (and MAC). */
    private static String pskc(String[] plain, byte[][] encrypted, Object[] mac) throws Exception {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\"?>\n<KeyContainer Version=\"1.0\""
                + " xmlns=\"urn:ietf:params:xml:ns:keyprov:pskc\" xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\""
                + " xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\">\n");
        if (mac != null) {
            sb.append("<EncryptionKey><ds:KeyName>Pre-shared-key</ds:KeyName></EncryptionKey>")
                    .append("<MACMethod Algorithm=\"http://www.w3.org/2000/09/xmldsig#hmac-sha1\"><MACKey>")
                    .append("<xenc:EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#aes128-cbc\"/>")
                    .append("<xenc:CipherData><xenc:CipherValue>")
                    .append(Base64.getEncoder().encodeToString((byte[]) mac[0]))
                    .append("</xenc:CipherValue></xenc:CipherData></MACKey></MACMethod>\n");
        }
        for (int i = 0; i < plain.length; i++) {
            String serial = "GAHT1000000" + (i + 1);
            sb.append("<KeyPackage><DeviceInfo><SerialNo>").append(serial).append("</SerialNo></DeviceInfo>")
                    .append("<Key Id=\"").append(serial)
                    .append("\" Algorithm=\"urn:ietf:params:xml:ns:keyprov:pskc:totp\">")
                    .append("<AlgorithmParameters><ResponseFormat Length=\"6\" Encoding=\"DECIMAL\"/>")
                    .append("</AlgorithmParameters><Data><Secret>");
            if (plain[i] != null) {
                sb.append("<PlainValue>").append(plain[i]).append("</PlainValue>");
            } else {
                Mac m = Mac.getInstance("HmacSHA1");
                m.init(new SecretKeySpec((byte[]) mac[1], "HmacSHA1"));
                sb.append("<EncryptedValue><xenc:EncryptionMethod")
                        .append(" Algorithm=\"http://www.w3.org/2001/04/xmlenc#aes128-cbc\"/><xenc:CipherData>")
                        .append("<xenc:CipherValue>").append(Base64.getEncoder().encodeToString(encrypted[i]))
                        .append("</xenc:CipherValue></xenc:CipherData></EncryptedValue><ValueMAC>")
                        .append(Base64.getEncoder().encodeToString(m.doFinal(encrypted[i]))).append("</ValueMAC>");
            }
            sb.append("</Secret><Time><PlainValue>0</PlainValue></Time><TimeInterval><PlainValue>30</PlainValue>")
                    .append("</TimeInterval></Data></Key></KeyPackage>\n");
        }
        return sb.append("</KeyContainer>\n").toString();
    }

    private static byte[] cbc(byte[] key, byte[] plain, byte[] iv) throws Exception {
        Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
        byte[] ct = c.doFinal(plain);
        byte[] out = new byte[16 + ct.length];
        System.arraycopy(iv, 0, out, 0, 16);
        System.arraycopy(ct, 0, out, 16, ct.length);
        return out;
    }

    private static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s);
    }
}
