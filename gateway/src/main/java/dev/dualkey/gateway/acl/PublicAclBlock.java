package dev.dualkey.gateway.acl;

import dev.dualkey.gateway.s3.xml.XmlElement;
import dev.dualkey.storage.model.BucketConfig;
import java.nio.charset.StandardCharsets;

/**
 * The two ACL settings of a bucket's Block Public Access configuration, read from
 * {@code BucketConfig.subresource("publicAccessBlock")}: {@code BlockPublicAcls} (refuse requests that set a public
 * ACL: 403 AccessDenied) and {@code IgnorePublicAcls} (public grants count for nothing at evaluation).
 *
 * <p>The configuration's API and storage belong to Block Public Access (issue 14's public access block); this reader
 * expects the stored document to be a {@code PublicAccessBlockConfiguration} XML document, the form S3 sends, and
 * fails closed: a stored document it cannot read blocks and ignores public ACLs.
 */
public final class PublicAclBlock {
    /** The bucket sub-resource of the configuration. */
    public static final String SUBRESOURCE = "publicAccessBlock";

    private PublicAclBlock() {
    }

    /** Whether requests that set a public ACL on this bucket or its objects are refused. */
    public static boolean blocksPublicAcls(BucketConfig config) {
        return setting(config, "BlockPublicAcls");
    }

    /** Whether public grants of this bucket's and its objects' ACLs are ignored. */
    public static boolean ignoresPublicAcls(BucketConfig config) {
        return setting(config, "IgnorePublicAcls");
    }

    private static boolean setting(BucketConfig config, String name) {
        String stored = config.subresource(SUBRESOURCE);
        if (stored == null) {
            return false;
        }
        try {
            XmlElement root = XmlElement.parse(stored.getBytes(StandardCharsets.UTF_8));
            return root.childText(name).map("true"::equalsIgnoreCase).orElse(false);
        } catch (RuntimeException e) {
            return true; // unreadable: fail closed
        }
    }
}
