package dev.dualkey.gateway.acl;

/**
 * An ACL permission, as S3 names it on the wire ({@code <Permission>} and the {@code x-amz-grant-*} headers).
 * {@link #FULL_CONTROL} implies every other one.
 */
public enum Permission {
    READ("x-amz-grant-read"),
    WRITE("x-amz-grant-write"),
    READ_ACP("x-amz-grant-read-acp"),
    WRITE_ACP("x-amz-grant-write-acp"),
    FULL_CONTROL("x-amz-grant-full-control");

    private final String header;

    Permission(String header) {
        this.header = header;
    }

    /** The request header that grants this permission. */
    public String header() {
        return header;
    }

    /** Whether holding this permission gives {@code wanted}. */
    public boolean covers(Permission wanted) {
        return this == FULL_CONTROL || this == wanted;
    }

    /** The permission of a wire name, or null for anything else (case-sensitive, as S3). */
    public static Permission fromWire(String name) {
        for (Permission p : values()) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }
}
