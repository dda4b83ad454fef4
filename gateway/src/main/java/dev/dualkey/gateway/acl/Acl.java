package dev.dualkey.gateway.acl;

import dev.dualkey.gateway.s3.xml.XmlWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * An access control list: the resource's owner (canonical user id) and its grants, in the order given (duplicates
 * removed). Immutable.
 *
 * <p>Stored form ({@link #encode}, read back by {@link #decode}), one line per item, UTF-8, {@code \n}-separated:
 * <pre>
 * acl1
 * owner &lt;64-hex canonical id&gt;
 * &lt;PERMISSION&gt; id &lt;64-hex canonical id&gt;
 * &lt;PERMISSION&gt; uri &lt;group URI&gt;
 * </pre>
 * No field contains a space or a newline (canonical ids are hex, group URIs are the three fixed ones), so the form
 * needs no escaping. {@code acl1} is the version of the layout.
 */
public record Acl(String ownerId, List<Grant> grants) {
    /** S3's limit: an ACL holds at most 100 grants. */
    public static final int MAX_GRANTS = 100;
    private static final String VERSION = "acl1";

    public Acl {
        Objects.requireNonNull(ownerId, "ownerId");
        grants = List.copyOf(new LinkedHashSet<>(grants));
    }

    /** The default ACL of every bucket and object: the owner has FULL_CONTROL, nobody else anything. */
    public static Acl privateTo(String ownerId) {
        return new Acl(ownerId, List.of(new Grant(Grantee.user(ownerId), Permission.FULL_CONTROL)));
    }

    /** True when some grant is for AllUsers or AuthenticatedUsers. */
    public boolean isPublic() {
        return grants.stream().anyMatch(g -> g.grantee().isPublic());
    }

    /**
     * True when the ACL grants nothing but FULL_CONTROL to {@code canonicalId} (the bucket owner): the only ACL a
     * bucket with ACLs disabled (BucketOwnerEnforced) accepts, as {@code private} or {@code bucket-owner-full-control}
     * or the same grant in XML.
     */
    public boolean onlyFullControlFor(String canonicalId) {
        return !grants.isEmpty() && grants.stream().allMatch(g -> !g.grantee().group()
                && g.grantee().value().equals(canonicalId) && g.permission() == Permission.FULL_CONTROL);
    }

    /** This ACL without its public grants (Block Public Access's IgnorePublicAcls). */
    public Acl withoutPublicGrants() {
        return new Acl(ownerId, grants.stream().filter(g -> !g.grantee().isPublic()).toList());
    }

    /** The stored form (see the class comment). */
    public String encode() {
        StringBuilder b = new StringBuilder(VERSION).append("\nowner ").append(ownerId);
        for (Grant g : grants) {
            b.append('\n').append(g.permission().name()).append(g.grantee().group() ? " uri " : " id ")
                    .append(g.grantee().value());
        }
        return b.toString();
    }

    /**
     * Reads the stored form.
     *
     * @throws IllegalStateException when the text is not one this class wrote (a corrupted record)
     */
    public static Acl decode(String stored) {
        String[] lines = stored.split("\n");
        if (lines.length < 2 || !lines[0].equals(VERSION) || !lines[1].startsWith("owner ")) {
            throw new IllegalStateException("not a stored ACL");
        }
        String owner = lines[1].substring("owner ".length());
        List<Grant> grants = new ArrayList<>(lines.length - 2);
        for (int i = 2; i < lines.length; i++) {
            String[] parts = lines[i].split(" ", 3);
            Permission p = parts.length == 3 ? Permission.fromWire(parts[0]) : null;
            if (p == null || !(parts[1].equals("id") || parts[1].equals("uri"))) {
                throw new IllegalStateException("not a stored ACL grant: " + lines[i]);
            }
            grants.add(new Grant(parts[1].equals("uri") ? Grantee.group(parts[2]) : Grantee.user(parts[2]), p));
        }
        return new Acl(owner, grants);
    }

    /**
     * The {@code AccessControlPolicy} document of GetBucketAcl / GetObjectAcl. No {@code DisplayName}: AWS stopped
     * returning it (end of support notice, November 2025) and Dualkey accounts have none.
     */
    public XmlWriter toXml() {
        XmlWriter w = XmlWriter.s3("AccessControlPolicy")
                .start("Owner").element("ID", ownerId).end()
                .start("AccessControlList");
        for (Grant g : grants) {
            w.start("Grant").start("Grantee");
            if (g.grantee().group()) {
                w.xsiType("Group").element("URI", g.grantee().value());
            } else {
                w.xsiType("CanonicalUser").element("ID", g.grantee().value());
            }
            w.end().element("Permission", g.permission().name()).end();
        }
        return w.end();
    }
}
