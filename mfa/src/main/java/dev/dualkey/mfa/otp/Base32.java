package dev.dualkey.mfa.otp;

import java.io.ByteArrayOutputStream;

/**
 * RFC 4648 Base32 (alphabet {@code A-Z2-7}) as authenticator apps use it: encoding emits no {@code =} padding
 * (Google's Key URI format says padding should be omitted); decoding is case-insensitive, ignores trailing
 * padding, spaces and hyphens (people type seeds in groups) and rejects any other character.
 */
public final class Base32 {
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final int[] LOOKUP = new int[128];

    static {
        java.util.Arrays.fill(LOOKUP, -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            LOOKUP[ALPHABET[i]] = i;
            LOOKUP[Character.toLowerCase(ALPHABET[i])] = i;
        }
    }

    private Base32() {
    }

    /** Encodes without padding. */
    public static String encode(byte[] data) {
        StringBuilder sb = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                sb.append(ALPHABET[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            sb.append(ALPHABET[(buffer << (5 - bits)) & 31]);
        }
        return sb.toString();
    }

    /**
     * Decodes, case-insensitively.
     *
     * @throws IllegalArgumentException on a character outside the alphabet, or padding in the middle
     */
    public static byte[] decode(CharSequence text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() * 5 / 8);
        int buffer = 0;
        int bits = 0;
        boolean padding = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ' || c == '-') {
                continue;
            }
            if (c == '=') {
                padding = true;
                continue;
            }
            int v = c < 128 ? LOOKUP[c] : -1;
            if (v < 0 || padding) {
                throw new IllegalArgumentException("not a Base32 string (character at index " + i + ")");
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >>> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }
}
