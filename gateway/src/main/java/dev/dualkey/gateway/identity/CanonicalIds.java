package dev.dualkey.gateway.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Canonical user ids: the 64 lower-case hex characters S3 shows as {@code Owner/ID} (ListBuckets, listings,
 * ACLs) and accepts as an ACL grantee or a {@code CanonicalUser} principal.
 *
 * <p>Derivation: {@code hex(SHA-256("dualkey-canonical-user-v1:" + accountId))}. Keyless on purpose: the id is
 * the same on every gateway of a cluster and after a restore without sharing a secret, and it hides nothing an
 * attacker could not learn anyway (AWS account ids are not secrets: they appear in every ARN a policy names).
 * Stable: the account id never changes. The reverse lookup ({@link #accountIdOf}) hashes each known account
 * id; accounts are few.
 *
 * <p>Accounts in Dualkey have no email address, so a grant by email ({@link #accountIdByEmail}) never resolves
 * (S3's UnresolvableGrantByEmailAddress).
 */
public final class CanonicalIds {
    private static final String DOMAIN = "dualkey-canonical-user-v1:";
    private static final HexFormat HEX = HexFormat.of();

    private final Supplier<? extends Collection<String>> accountIds;

    /** @param accountIds every account id the installation knows (read on each reverse lookup) */
    public CanonicalIds(Supplier<? extends Collection<String>> accountIds) {
        this.accountIds = Objects.requireNonNull(accountIds, "accountIds");
    }

    /**
     * Ids already derived, by account id: a listing names an owner per entry (1000 SHA-256 digests per page of
     * ListObjectVersions otherwise, issue 19). Accounts are few; reaching {@link #MAX_CACHED} empties the map.
     */
    private static final ConcurrentHashMap<String, String> DERIVED = new ConcurrentHashMap<>();
    static final int MAX_CACHED = 1024;

    /** The canonical user id of {@code accountId}. */
    public static String of(String accountId) {
        String id = DERIVED.get(accountId);
        if (id == null) {
            id = derive(accountId);
            if (DERIVED.size() >= MAX_CACHED) {
                DERIVED.clear();
            }
            DERIVED.put(accountId, id);
        }
        return id;
    }

    /** {@code hex(SHA-256(DOMAIN + accountId))}, computed. */
    static String derive(String accountId) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest((DOMAIN + accountId).getBytes(StandardCharsets.UTF_8));
            return HEX.formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Whether {@code id} has the shape of a canonical user id (64 lower-case hex characters). */
    public static boolean wellFormed(String id) {
        return id != null && id.length() == 64 && id.chars().allMatch(c -> (c >= '0' && c <= '9')
                || (c >= 'a' && c <= 'f'));
    }

    /** The account whose canonical user id is {@code canonicalId} (case-insensitive), or empty. */
    public Optional<String> accountIdOf(String canonicalId) {
        if (canonicalId == null) {
            return Optional.empty();
        }
        String id = canonicalId.toLowerCase(java.util.Locale.ROOT);
        if (!wellFormed(id)) {
            return Optional.empty();
        }
        for (String account : accountIds.get()) {
            if (of(account).equals(id)) {
                return Optional.of(account);
            }
        }
        return Optional.empty();
    }

    /** The account of an email address: always empty, Dualkey accounts have no email address. */
    public Optional<String> accountIdByEmail(String email) {
        return Optional.empty();
    }
}
