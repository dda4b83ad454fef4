package dev.dualkey.compat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/** Test payloads and the digests S3 reports for them (hex MD5 ETags, base64 checksums). */
public final class Bytes {

    private Bytes() {
    }

    /** {@code size} pseudo-random bytes, the same for the same seed. */
    public static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] digest(String algorithm, byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            for (byte[] part : parts) {
                md.update(part);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The ETag S3 gives a single-part object: quoted lowercase hex MD5. */
    public static String etag(byte[] content) {
        return "\"" + HexFormat.of().formatHex(digest("MD5", content)) + "\"";
    }

    public static String md5Base64(byte[] content) {
        return Base64.getEncoder().encodeToString(digest("MD5", content));
    }

    public static String md5Hex(byte[] content) {
        return HexFormat.of().formatHex(digest("MD5", content));
    }

    public static String sha256Hex(byte[] content) {
        return HexFormat.of().formatHex(digest("SHA-256", content));
    }

    /** Base64 of the big-endian 32-bit CRC, as in {@code x-amz-checksum-crc32}. */
    public static String crc32Base64(byte[] content) {
        return crcBase64(new CRC32(), content);
    }

    /** Base64 of the big-endian 32-bit CRC32C, as in {@code x-amz-checksum-crc32c}. */
    public static String crc32cBase64(byte[] content) {
        return crcBase64(new CRC32C(), content);
    }

    public static String sha1Base64(byte[] content) {
        return Base64.getEncoder().encodeToString(digest("SHA-1", content));
    }

    public static String sha256Base64(byte[] content) {
        return Base64.getEncoder().encodeToString(digest("SHA-256", content));
    }

    private static String crcBase64(Checksum crc, byte[] content) {
        crc.update(content, 0, content.length);
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
