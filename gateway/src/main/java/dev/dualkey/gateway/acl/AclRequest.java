package dev.dualkey.gateway.acl;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.gateway.s3.xml.XmlElement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The ACL a request asks for, in one of S3's three mutually exclusive ways: a canned ACL ({@code x-amz-acl}),
 * grant headers ({@code x-amz-grant-*}), or (Put*Acl only) an {@code AccessControlPolicy} body. Validated as S3
 * validates them; each failure is the S3 error AWS answers:
 * <ul>
 *   <li>canned ACL and grant headers together: 400 InvalidRequest "Specifying both Canned ACLs and Header Grants is
 *       not allowed";</li>
 *   <li>a header (canned or grant) and a body together: 400 UnexpectedContent "This request does not support
 *       content";</li>
 *   <li>Put*Acl with none of the three: 400 MissingSecurityHeader (MissingHeaderName {@code x-amz-acl});</li>
 *   <li>an unknown canned ACL: 400 InvalidArgument (ArgumentName {@code x-amz-acl});</li>
 *   <li>a grant header item that is not {@code id=}, {@code uri=} or {@code emailAddress=}: 400 InvalidArgument
 *       "Argument format not recognized"; an unknown canonical id: "Invalid id"; an unknown group: "Invalid group
 *       uri";</li>
 *   <li>a body that is not an {@code AccessControlPolicy} with {@code Owner/ID} and {@code AccessControlList}, a
 *       grantee without a known {@code xsi:type}, a permission S3 does not have: 400 MalformedACLError;</li>
 *   <li>more than {@link Acl#MAX_GRANTS} grants: 400 MalformedACLError (Dualkey's choice of code; the limit is
 *       AWS's);</li>
 *   <li>a grantee by e-mail address ({@code emailAddress=}, {@code AmazonCustomerByEmail}): 405 MethodNotAllowed,
 *       as Amazon S3 has answered since it discontinued e-mail grantees on 1 October 2025 (and Dualkey accounts
 *       have no e-mail address to resolve).</li>
 * </ul>
 */
public final class AclRequest {
    private static final String XML_SCHEMA_ERROR =
            "The XML you provided was not well-formed or did not validate against our published schema";

    private final CannedAcl canned;
    private final List<Grant> grants;
    private final boolean fromBody;

    private AclRequest(CannedAcl canned, List<Grant> grants, boolean fromBody) {
        this.canned = canned;
        this.grants = grants;
        this.fromBody = fromBody;
    }

    /** No ACL asked for. */
    public static AclRequest none() {
        return new AclRequest(null, null, false);
    }

    /**
     * The ACL of an object or bucket write (PutObject, CopyObject, CreateMultipartUpload, CreateBucket): headers only.
     *
     * @param header request header lookup (case-insensitive), null when absent
     */
    public static AclRequest fromHeaders(Function<String, String> header, CanonicalIds ids) {
        return parse(header, new byte[0], ids);
    }

    /**
     * The ACL of PutBucketAcl / PutObjectAcl: headers or body, exactly one of them.
     *
     * @throws S3Exception MissingSecurityHeader when there is neither
     */
    public static AclRequest forPutAcl(Function<String, String> header, byte[] body, CanonicalIds ids) {
        AclRequest r = parse(header, body, ids);
        if (!r.present()) {
            throw new S3Exception(S3ErrorCode.MISSING_SECURITY_HEADER).with("MissingHeaderName", "x-amz-acl");
        }
        return r;
    }

    private static AclRequest parse(Function<String, String> header, byte[] body, CanonicalIds ids) {
        Objects.requireNonNull(ids, "ids");
        String cannedValue = header.apply("x-amz-acl");
        boolean grantHeaders = false;
        for (Permission p : Permission.values()) {
            grantHeaders |= header.apply(p.header()) != null;
        }
        boolean hasBody = body.length > 0;
        if (cannedValue != null && grantHeaders) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST,
                    "Specifying both Canned ACLs and Header Grants is not allowed");
        }
        if ((cannedValue != null || grantHeaders) && hasBody) {
            throw new S3Exception(S3ErrorCode.UNEXPECTED_CONTENT);
        }
        if (cannedValue != null) {
            CannedAcl c = CannedAcl.fromWire(cannedValue.trim()).orElseThrow(() -> new S3Exception(
                    S3ErrorCode.INVALID_ARGUMENT, "").with("ArgumentName", "x-amz-acl")
                    .with("ArgumentValue", cannedValue));
            return new AclRequest(c, null, false);
        }
        if (grantHeaders) {
            List<Grant> grants = new ArrayList<>();
            for (Permission p : Permission.values()) {
                String v = header.apply(p.header());
                if (v != null) {
                    for (String item : v.split(",")) {
                        grants.add(new Grant(headerGrantee(p.header(), item.trim(), ids), p));
                    }
                }
            }
            checkCount(grants.size());
            return new AclRequest(null, grants, false);
        }
        if (hasBody) {
            return new AclRequest(null, bodyGrants(body, ids), true);
        }
        return none();
    }

    private static Grantee headerGrantee(String headerName, String item, CanonicalIds ids) {
        int eq = item.indexOf('=');
        String type = eq < 0 ? "" : item.substring(0, eq).trim();
        String value = eq < 0 ? "" : unquote(item.substring(eq + 1).trim());
        switch (type) {
            case "id" -> {
                if (ids.accountId(value).isEmpty()) {
                    throw invalidArgument("Invalid id", "id", value);
                }
                return Grantee.user(value.toLowerCase(java.util.Locale.ROOT));
            }
            case "uri" -> {
                if (!Grantee.GROUPS.contains(value)) {
                    throw invalidArgument("Invalid group uri", "uri", value);
                }
                return Grantee.group(value);
            }
            case "emailAddress" -> throw emailGrantee();
            default -> throw invalidArgument("Argument format not recognized", headerName, item);
        }
    }

    private static List<Grant> bodyGrants(byte[] body, CanonicalIds ids) {
        XmlElement root;
        try {
            root = XmlElement.parse(body);
        } catch (S3Exception e) {
            throw new S3Exception(S3ErrorCode.MALFORMED_ACL_ERROR, XML_SCHEMA_ERROR);
        }
        if (!root.name().equals("AccessControlPolicy")) {
            throw malformed();
        }
        String ownerId = root.child("Owner").flatMap(o -> o.childText("ID")).orElseThrow(AclRequest::malformed);
        XmlElement list = root.child("AccessControlList").orElseThrow(AclRequest::malformed);
        if (!CanonicalIds.wellFormed(ownerId)) {
            throw invalidArgument("Invalid id", "CanonicalUser/ID", ownerId);
        }
        List<Grant> grants = new ArrayList<>();
        for (XmlElement g : list.children()) {
            if (!g.name().equals("Grant")) {
                throw malformed();
            }
            Permission p = Permission.fromWire(g.childText("Permission").orElse(""));
            XmlElement grantee = g.child("Grantee").orElseThrow(AclRequest::malformed);
            if (p == null) {
                throw malformed();
            }
            String type = grantee.attribute("type").orElseThrow(AclRequest::malformed);
            switch (type) {
                case "CanonicalUser" -> {
                    String id = grantee.childText("ID").orElseThrow(AclRequest::malformed);
                    if (ids.accountId(id).isEmpty()) {
                        throw invalidArgument("Invalid id", "CanonicalUser/ID", id);
                    }
                    grants.add(new Grant(Grantee.user(id.toLowerCase(java.util.Locale.ROOT)), p));
                }
                case "Group" -> {
                    String uri = grantee.childText("URI").orElseThrow(AclRequest::malformed);
                    if (!Grantee.GROUPS.contains(uri)) {
                        throw invalidArgument("Invalid group uri", "Group/URI", uri);
                    }
                    grants.add(new Grant(Grantee.group(uri), p));
                }
                case "AmazonCustomerByEmail" -> throw emailGrantee();
                default -> throw malformed();
            }
            checkCount(grants.size());
        }
        return grants;
    }

    private static void checkCount(int n) {
        if (n > Acl.MAX_GRANTS) {
            throw new S3Exception(S3ErrorCode.MALFORMED_ACL_ERROR,
                    "An ACL can have at most " + Acl.MAX_GRANTS + " grants");
        }
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    private static S3Exception malformed() {
        return new S3Exception(S3ErrorCode.MALFORMED_ACL_ERROR, XML_SCHEMA_ERROR);
    }

    private static S3Exception invalidArgument(String message, String name, String value) {
        return new S3Exception(S3ErrorCode.INVALID_ARGUMENT, message).with("ArgumentName", name)
                .with("ArgumentValue", value);
    }

    private static S3Exception emailGrantee() {
        return new S3Exception(S3ErrorCode.METHOD_NOT_ALLOWED,
                "Email Grantee Access Control Lists are no longer supported; grant to a canonical user id");
    }

    /** Whether the request asked for an ACL at all. */
    public boolean present() {
        return canned != null || grants != null;
    }

    /** The canned ACL asked for, or null. */
    public CannedAcl canned() {
        return canned;
    }

    /** Whether the ACL came as an {@code AccessControlPolicy} body. */
    public boolean fromBody() {
        return fromBody;
    }

    /**
     * The ACL asked for, for a resource owned by {@code ownerId}. Grant headers and a body replace the ACL whole (no
     * implicit grant to the owner, as S3 does).
     *
     * @param ownerId       canonical id of the resource's owner
     * @param bucketOwnerId canonical id of the bucket's owner
     * @param forBucket     whether it is a bucket's ACL
     * @throws IllegalStateException when nothing was asked for
     */
    public Acl resolve(String ownerId, String bucketOwnerId, boolean forBucket) {
        if (canned != null) {
            return canned.toAcl(ownerId, bucketOwnerId, forBucket);
        }
        if (grants != null) {
            return new Acl(ownerId, grants);
        }
        throw new IllegalStateException("no ACL requested");
    }
}
