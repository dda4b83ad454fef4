package dev.dualkey.storage.keys;

import dev.dualkey.storage.error.StorageIoException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Typed binary keys of the object store. Strings are never joined with {@code '/'} (S3 keys contain it).
 * <pre>
 *   bucket prefix   := utf8(bucket) 0x00                      (bucket names never contain 0x00)
 *   escaped key     := utf8(key) with every 0x00 written as 0x00 0xFF
 *   object key      := bucket prefix, escaped key, 0x00 0x01 (terminator)
 *   version key     := object key, ~seq (16 bytes, bitwise-inverted: newest version first)
 *   upload key      := object key, seq (16 bytes: uploads of a key in initiation order)
 *   part key        := upload seq (16 bytes), part number (4 bytes big-endian)
 *   seq             := creation micros (8 bytes BE), random (8 bytes)
 * </pre>
 * The escaping keeps UTF-8 byte order (S3's listing order) and makes every escaped key prefix-free: a key sorts
 * before every longer key it is a prefix of, and the terminator 0x00 0x01 sorts below any continuation (other
 * bytes >= 0x01 and an escaped 0x00 is 0x00 0xFF). A listing prefix is the escaped prefix without terminator.
 */
public final class StoreKeys {
    private static final byte ESC = 0x00;
    private static final byte ESCAPED_ZERO = (byte) 0xFF;
    private static final byte TERMINATOR = 0x01;

    private StoreKeys() {
    }

    public static byte[] bucketPrefix(String bucket) {
        byte[] b = bucket.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length + 1];
        System.arraycopy(b, 0, out, 0, b.length);
        return out;
    }

    /** bucket prefix + escaped key + terminator. */
    public static byte[] objectKey(String bucket, String key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bucket.length() + key.length() + 8);
        out.writeBytes(bucketPrefix(bucket));
        escapeInto(out, key);
        out.write(ESC);
        out.write(TERMINATOR);
        return out.toByteArray();
    }

    /** bucket prefix + escaped key prefix (no terminator): the scan prefix of all keys starting with it. */
    public static byte[] keyPrefix(String bucket, String keyPrefix) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bucket.length() + keyPrefix.length() + 8);
        out.writeBytes(bucketPrefix(bucket));
        escapeInto(out, keyPrefix);
        return out.toByteArray();
    }

    public static byte[] versionKey(String bucket, String key, byte[] seq) {
        byte[] ok = objectKey(bucket, key);
        byte[] out = new byte[ok.length + 16];
        System.arraycopy(ok, 0, out, 0, ok.length);
        for (int i = 0; i < 16; i++) {
            out[ok.length + i] = (byte) ~seq[i];
        }
        return out;
    }

    public static byte[] uploadKey(String bucket, String key, byte[] seq) {
        byte[] ok = objectKey(bucket, key);
        byte[] out = new byte[ok.length + 16];
        System.arraycopy(ok, 0, out, 0, ok.length);
        System.arraycopy(seq, 0, out, ok.length, 16);
        return out;
    }

    public static byte[] partKey(byte[] uploadSeq, int partNumber) {
        byte[] out = new byte[20];
        System.arraycopy(uploadSeq, 0, out, 0, 16);
        out[16] = (byte) (partNumber >>> 24);
        out[17] = (byte) (partNumber >>> 16);
        out[18] = (byte) (partNumber >>> 8);
        out[19] = (byte) partNumber;
        return out;
    }

    public static int partNumberOf(byte[] partKey) {
        return ((partKey[16] & 0xff) << 24) | ((partKey[17] & 0xff) << 16) | ((partKey[18] & 0xff) << 8)
                | (partKey[19] & 0xff);
    }

    /**
     * Decodes the object key of a raw object/version/upload key of {@code bucket}.
     *
     * @return the key; {@link #suffixOffset} gives where the trailing seq starts
     */
    public static String decodeKey(byte[] raw, int bucketPrefixLength) {
        // the usual key holds no 0x00 byte, so its first escape is the terminator: decoded in place (issue 19,
        // a listing decodes one key per entry; the byte-by-byte stream below was visible in its profile)
        for (int i = bucketPrefixLength; i + 1 < raw.length; i++) {
            if (raw[i] == ESC) {
                if (raw[i + 1] == TERMINATOR) {
                    return new String(raw, bucketPrefixLength, i - bucketPrefixLength, StandardCharsets.UTF_8);
                }
                break;
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
        int i = bucketPrefixLength;
        while (i < raw.length) {
            byte b = raw[i];
            if (b == ESC) {
                if (i + 1 >= raw.length) {
                    break;
                }
                byte n = raw[i + 1];
                if (n == TERMINATOR) {
                    return new String(out.toByteArray(), StandardCharsets.UTF_8);
                }
                if (n != ESCAPED_ZERO) {
                    break;
                }
                out.write(0);
                i += 2;
            } else {
                out.write(b);
                i++;
            }
        }
        throw new StorageIoException("corrupt object key in store");
    }

    /** Offset just after the terminator of the escaped key that starts at {@code bucketPrefixLength}. */
    public static int suffixOffset(byte[] raw, int bucketPrefixLength) {
        for (int i = bucketPrefixLength; i + 1 < raw.length; i++) {
            if (raw[i] == ESC) {
                if (raw[i + 1] == TERMINATOR) {
                    return i + 2;
                }
                i++; // skip the escaped zero
            }
        }
        throw new StorageIoException("corrupt object key in store");
    }

    /** The 16 seq bytes stored inverted at the end of a version key. */
    public static byte[] seqOfVersionKey(byte[] raw) {
        byte[] seq = new byte[16];
        for (int i = 0; i < 16; i++) {
            seq[i] = (byte) ~raw[raw.length - 16 + i];
        }
        return seq;
    }

    /** The 16 seq bytes at the end of an upload key. */
    public static byte[] seqOfUploadKey(byte[] raw) {
        byte[] seq = new byte[16];
        System.arraycopy(raw, raw.length - 16, seq, 0, 16);
        return seq;
    }

    private static void escapeInto(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        for (byte x : b) {
            if (x == ESC) {
                out.write(ESC);
                out.write(ESCAPED_ZERO);
            } else {
                out.write(x);
            }
        }
    }
}
