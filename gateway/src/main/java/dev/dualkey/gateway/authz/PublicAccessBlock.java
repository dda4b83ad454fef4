package dev.dualkey.gateway.authz;

import dev.dualkey.storage.model.BucketConfig;

/**
 * A bucket's Public Access Block configuration (S3's {@code PublicAccessBlockConfiguration}), stored as the
 * bucket sub-resource {@value #SUBRESOURCE} in the canonical form {@link #toDocument()} writes (the XML
 * GetPublicAccessBlock returns). A bucket without one blocks nothing ({@link #NONE}), as S3 answers for a bucket
 * whose configuration was deleted. What each setting does, as S3 documents it:
 * <ul>
 *   <li>{@code BlockPublicAcls}: PutBucketAcl / PutObjectAcl and PUTs with a public ACL are refused
 *       (AccessDenied) — enforced by the ACL code through {@link #refusesPublicAcls()};</li>
 *   <li>{@code IgnorePublicAcls}: grants to AllUsers / AuthenticatedUsers count for nothing ({@link AclSide});</li>
 *   <li>{@code BlockPublicPolicy}: PutBucketPolicy of a public policy ({@link PolicyPublicity}) is refused with
 *       AccessDenied;</li>
 *   <li>{@code RestrictPublicBuckets}: while the bucket's policy is public, its Allow statements grant only
 *       principals of the bucket owner's account (every cross-account and anonymous grant of it is void).</li>
 * </ul>
 */
public record PublicAccessBlock(boolean blockPublicAcls, boolean ignorePublicAcls, boolean blockPublicPolicy,
                                boolean restrictPublicBuckets) {
    /** The bucket sub-resource name ({@link BucketConfig#subresource}). */
    public static final String SUBRESOURCE = "publicAccessBlock";
    /** No configuration: nothing blocked. */
    public static final PublicAccessBlock NONE = new PublicAccessBlock(false, false, false, false);

    /** The bucket's configuration, {@link #NONE} when it has none. */
    public static PublicAccessBlock of(BucketConfig config) {
        String doc = config.subresource(SUBRESOURCE);
        return doc == null ? NONE : fromDocument(doc);
    }

    /** Whether the bucket has a configuration at all (GetPublicAccessBlock answers 404 otherwise). */
    public static boolean configured(BucketConfig config) {
        return config.subresource(SUBRESOURCE) != null;
    }

    /** BlockPublicAcls: a request that sets a public ACL must be refused with 403 AccessDenied. */
    public boolean refusesPublicAcls() {
        return blockPublicAcls;
    }

    /** The stored and returned form. */
    public String toDocument() {
        return "<PublicAccessBlockConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<BlockPublicAcls>" + blockPublicAcls + "</BlockPublicAcls>"
                + "<IgnorePublicAcls>" + ignorePublicAcls + "</IgnorePublicAcls>"
                + "<BlockPublicPolicy>" + blockPublicPolicy + "</BlockPublicPolicy>"
                + "<RestrictPublicBuckets>" + restrictPublicBuckets + "</RestrictPublicBuckets>"
                + "</PublicAccessBlockConfiguration>";
    }

    /** Reads the form {@link #toDocument()} wrote. */
    static PublicAccessBlock fromDocument(String doc) {
        return new PublicAccessBlock(flag(doc, "BlockPublicAcls"), flag(doc, "IgnorePublicAcls"),
                flag(doc, "BlockPublicPolicy"), flag(doc, "RestrictPublicBuckets"));
    }

    private static boolean flag(String doc, String name) {
        return doc.contains("<" + name + ">true</" + name + ">");
    }
}
