package dev.dualkey.compat;

/**
 * An access key pair the gateway under test accepts (or, for negative tests, one it must refuse).
 *
 * @param accessKeyId the public key id sent in the SigV4 {@code Credential} scope
 * @param secretKey the signing secret; never logged, {@link #toString()} hides it
 */
public record AccessKey(String accessKeyId, String secretKey) {

    @Override
    public String toString() {
        return "AccessKey[" + accessKeyId + "]";
    }
}
