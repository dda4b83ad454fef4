package dev.dualkey.gateway.s3.sse;

import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.storage.crypto.KeyWrapper;
import dev.dualkey.storage.crypto.MasterKeyWrapper;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An SSE-C customer key from a request's {@code x-amz-server-side-encryption-customer-*} headers, checked as S3
 * checks them, and the record by which a version remembers it: a salted HMAC, never the key.
 *
 * <p>At rest an SSE-C version holds two attributes: {@value #ALGORITHM_ATTRIBUTE} ({@code AES256}) and
 * {@value #HMAC_ATTRIBUTE} = {@code v1:<base64 salt (16 bytes)>:<base64 HMAC-SHA256(salt, key)>}. Its data keys are
 * wrapped by a KEK derived from the customer key ({@link MasterKeyWrapper#forCustomerKey}), so even a request that
 * slipped past the HMAC check could not decrypt it; its ETag is a keyed digest, not the plaintext's MD5.
 *
 * <p>Transport: the key travels in a header, so like {@code x-amz-mfa} it is accepted over HTTPS, over plain HTTP on
 * a loopback-only listener (nothing leaves the machine), or when the operator passed {@code --allow-mfa-over-http}
 * (a TLS-terminating proxy in front); otherwise 400 InvalidRequest, as S3 answers over HTTP.
 */
public final class CustomerKey {
    /** Attribute naming the SSE-C algorithm of a version. */
    public static final String ALGORITHM_ATTRIBUTE = "x-amz-server-side-encryption-customer-algorithm";
    /** Attribute holding the salted HMAC of the customer key. */
    public static final String HMAC_ATTRIBUTE = "sse-c-key-hmac";
    /** Header prefix of an object's own key. */
    public static final String OBJECT = "x-amz-server-side-encryption-customer-";
    /** Header prefix of a copy source's key. */
    public static final String COPY_SOURCE = "x-amz-copy-source-server-side-encryption-customer-";
    private static final SecureRandom RANDOM = new SecureRandom();
    private final byte[] key;
    private final String keyMd5;

    private CustomerKey(byte[] key, String keyMd5) {
        this.key = key;
        this.keyMd5 = keyMd5;
    }

    /**
     * The key named by the headers with {@code prefix}, or null when none of them is present.
     *
     * @param transportAllowed true when the request came over TLS or the listener may take secrets in the clear
     */
    public static CustomerKey from(S3Request req, String prefix, boolean transportAllowed) {
        String algorithm = req.header(prefix + "algorithm");
        String key = req.header(prefix + "key");
        String md5 = req.header(prefix + "key-MD5");
        if (algorithm == null && key == null && md5 == null) {
            return null;
        }
        if (!req.head().secure() && !transportAllowed) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "Requests specifying Server Side Encryption with "
                    + "Customer provided keys must be made over a secure connection.");
        }
        if (algorithm == null) {
            throw invalid(prefix + "algorithm", "Requests specifying Server Side Encryption with Customer provided "
                    + "keys must provide a valid encryption algorithm.");
        }
        if (!algorithm.equals("AES256")) {
            throw new S3Exception(S3ErrorCode.INVALID_ENCRYPTION_ALGORITHM)
                    .with("ArgumentName", prefix + "algorithm").with("ArgumentValue", algorithm);
        }
        if (key == null) {
            throw invalid(prefix + "key", "Requests specifying Server Side Encryption with Customer provided keys "
                    + "must provide an appropriate secret key.");
        }
        if (md5 == null) {
            throw invalid(prefix + "key-MD5", "Requests specifying Server Side Encryption with Customer provided "
                    + "keys must provide the client calculated MD5 of the secret key.");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(key.trim());
        } catch (IllegalArgumentException e) {
            raw = new byte[0];
        }
        if (raw.length != 32) {
            throw invalid(prefix + "key", "The secret key was invalid for the specified algorithm.");
        }
        byte[] want;
        try {
            want = Base64.getDecoder().decode(md5.trim());
        } catch (IllegalArgumentException e) {
            want = new byte[0];
        }
        if (!MessageDigest.isEqual(want, md5(raw))) {
            throw invalid(prefix + "key", "The calculated MD5 hash of the key did not match the hash that was "
                    + "provided.");
        }
        return new CustomerKey(raw, md5.trim());
    }

    private static S3Exception invalid(String header, String message) {
        return new S3Exception(S3ErrorCode.INVALID_ARGUMENT, message).with("ArgumentName", header);
    }

    private static byte[] md5(byte[] b) {
        try {
            return MessageDigest.getInstance("MD5").digest(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] salt, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Wraps this version's data keys (never stored). */
    public KeyWrapper wrapper() {
        return MasterKeyWrapper.forCustomerKey(key);
    }

    /** {@code meta} marked as SSE-C with a fresh salted HMAC of this key. */
    public ObjectMetadata mark(ObjectMetadata meta) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder();
        return meta.toBuilder().attribute(ALGORITHM_ATTRIBUTE, "AES256")
                .attribute(HMAC_ATTRIBUTE, "v1:" + b64.encodeToString(salt) + ":"
                        + b64.encodeToString(hmac(salt, key))).build();
    }

    /** True when {@code v} was stored with this key (constant-time comparison of the salted HMAC). */
    boolean matches(ObjectVersion v) {
        return matches(v.metadata());
    }

    /** True when {@code meta} (a version's or an upload's) records this key (constant-time HMAC comparison). */
    boolean matches(ObjectMetadata meta) {
        String rec = meta.attribute(HMAC_ATTRIBUTE);
        String[] f = rec == null ? new String[0] : rec.split(":");
        if (f.length != 3 || !f[0].equals("v1")) {
            return false;
        }
        byte[] salt = Base64.getDecoder().decode(f[1]);
        byte[] want = Base64.getDecoder().decode(f[2]);
        return MessageDigest.isEqual(want, hmac(salt, key));
    }

    /** The SSE-C response headers: algorithm and the key's MD5 as the client sent it. */
    public void replyHeaders(Reply reply) {
        reply.header(ALGORITHM_ATTRIBUTE, "AES256").header("x-amz-server-side-encryption-customer-key-MD5", keyMd5);
    }

    /** True when {@code v} was stored with a customer key. */
    public static boolean isCustomerKeyed(ObjectVersion v) {
        return v.metadata().attribute(HMAC_ATTRIBUTE) != null;
    }

    /**
     * S3's rules for reading {@code v} (GetObject, HeadObject, a copy source) with {@code key} (null when the request
     * named none): 400 InvalidRequest without a key for an SSE-C version or with one for another version, 403
     * AccessDenied for the wrong key.
     */
    public static void checkRead(ObjectVersion v, CustomerKey key) {
        boolean keyed = isCustomerKeyed(v);
        if (keyed && key == null) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "The object was stored using a form of Server Side "
                    + "Encryption. The correct parameters must be provided to retrieve the object.");
        }
        if (!keyed && key != null) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "The encryption parameters are not applicable to this "
                    + "object.");
        }
        if (keyed && !key.matches(v)) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
        }
    }

    @Override
    public String toString() {
        return "CustomerKey[md5=" + keyMd5 + "]"; // never the key
    }

}
