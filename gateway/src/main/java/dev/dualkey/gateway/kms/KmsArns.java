package dev.dualkey.gateway.kms;

import java.util.regex.Pattern;

/**
 * The ways AWS names a KMS key in {@code x-amz-server-side-encryption-aws-kms-key-id} and {@code KMSMasterKeyID}:
 * a key id (UUID), a key ARN, an alias name {@code alias/NAME}, an alias ARN. Parsing only; resolution against the
 * registry is {@link KmsRegistry#resolve}.
 *
 * @param account null for the forms without one (key id, alias name): the account of the bucket owner
 * @param region  null for the forms without one
 * @param keyId   set for key ids and key ARNs
 * @param alias   the alias name without {@code alias/}, for the alias forms
 */
public record KmsArns(String account, String region, String keyId, String alias) {
    static final Pattern UUID = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /** AWS KMS alias names: letters, digits, {@code /_-}, at most 256 characters with the {@code alias/} prefix. */
    static final Pattern ALIAS_NAME = Pattern.compile("[a-zA-Z0-9/_-]{1,250}");
    private static final Pattern ARN = Pattern.compile(
            "arn:aws:kms:([a-z0-9-]{1,32}):(\\d{12}):(key|alias)/(.+)");
    /** The AWS managed key's alias name (without {@code alias/}). */
    public static final String AWS_S3 = "aws/s3";

    /** The key ARN. */
    public static String keyArn(String region, String account, String keyId) {
        return "arn:aws:kms:" + region + ":" + account + ":key/" + keyId;
    }

    /** The alias ARN. */
    public static String aliasArn(String region, String account, String alias) {
        return "arn:aws:kms:" + region + ":" + account + ":alias/" + alias;
    }

    /**
     * Parses {@code spec}; null when it is none of AWS's four forms (the caller answers as AWS does for an invalid
     * key id).
     */
    public static KmsArns parse(String spec) {
        if (spec == null) {
            return null;
        }
        String s = spec.trim();
        if (UUID.matcher(s).matches()) {
            return new KmsArns(null, null, s, null);
        }
        if (s.startsWith("alias/")) {
            String name = s.substring("alias/".length());
            return ALIAS_NAME.matcher(name).matches() ? new KmsArns(null, null, null, name) : null;
        }
        var m = ARN.matcher(s);
        if (!m.matches()) {
            return null;
        }
        if (m.group(3).equals("key")) {
            return UUID.matcher(m.group(4)).matches() ? new KmsArns(m.group(2), m.group(1), m.group(4), null) : null;
        }
        return ALIAS_NAME.matcher(m.group(4)).matches() ? new KmsArns(m.group(2), m.group(1), null, m.group(4))
                : null;
    }
}
