package dev.dualkey.gateway.acl;

import java.util.Optional;

/**
 * Accounts as ACLs name them: the 64-hex canonical user id of an account id, and back. The seam between ACLs and
 * whoever owns the mapping (issue 14's canonical user ids; {@link DerivedCanonicalIds} until then).
 */
public interface CanonicalIds {
    /** The canonical user id of an account (stable: the same account always has the same id). */
    String canonicalId(String accountId);

    /** The account of a canonical user id, or empty when no account has it. */
    Optional<String> accountId(String canonicalId);

    /** S3's form of a canonical user id: 64 lower-case hex digits. */
    static boolean wellFormed(String id) {
        return id != null && id.matches("[0-9a-f]{64}");
    }
}
