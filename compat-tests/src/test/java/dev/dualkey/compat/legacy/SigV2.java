package dev.dualkey.compat.legacy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The test's own SigV2 signer (independent of the gateway's code): HMAC-SHA1 of AWS's string to sign, Base64.
 */
final class SigV2 {
    private SigV2() {
    }

    static String sign(String secret, String stringToSign) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A presigned GET URL for {@code /bucket/key} (key already URL-encoded) valid until {@code expires}. */
    static String presignedGet(String endpoint, String akid, String secret, String bucket, String encodedKey,
                               long expires) {
        String resource = "/" + bucket + "/" + encodedKey;
        String sig = sign(secret, "GET\n\n\n" + expires + "\n" + resource);
        return endpoint + resource + "?AWSAccessKeyId=" + akid + "&Expires=" + expires + "&Signature="
                + URLEncoder.encode(sig, StandardCharsets.UTF_8);
    }
}
