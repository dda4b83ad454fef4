package dev.dualkey.gateway.iam.action;

import java.nio.charset.StandardCharsets;

/**
 * IAM returns policy documents URL-encoded (RFC 3986); SDKs and the aws CLI decode them. Unreserved
 * characters stay as they are, everything else, including space, becomes {@code %XX} of its UTF-8 bytes.
 */
public final class PolicyDocuments {
    private PolicyDocuments() {}

    public static String urlEncode(String document) {
        byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            int c = b & 0xFF;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return sb.toString();
    }
}
