package dev.dualkey.gateway.acl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Canonical user ids derived from account ids: {@code hex(SHA-256("dualkey-canonical-user-v1:" + accountId))}, 64
 * lower-case hex digits, stable without storage. The reverse lookup searches the known accounts.
 *
 * <p>The derivation is public knowledge, like an AWS canonical id it is an identifier, not a secret: anyone who knows
 * an account id can compute it, and holding it grants nothing.
 */
public final class DerivedCanonicalIds implements CanonicalIds {
    /** The same derivation as issue 14's {@code identity.CanonicalIds}, so that every Owner/ID agrees. */
    private static final String PREFIX = "dualkey-canonical-user-v1:";
    private final Supplier<? extends Collection<String>> accounts;

    /** @param accounts the account ids that exist (read on each reverse lookup) */
    public DerivedCanonicalIds(Supplier<? extends Collection<String>> accounts) {
        this.accounts = Objects.requireNonNull(accounts, "accounts");
    }

    @Override
    public String canonicalId(String accountId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest((PREFIX + accountId).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Optional<String> accountId(String canonicalId) {
        String id = canonicalId == null ? null : canonicalId.toLowerCase(java.util.Locale.ROOT);
        if (!CanonicalIds.wellFormed(id)) {
            return Optional.empty();
        }
        for (String a : accounts.get()) {
            if (canonicalId(a).equals(id)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
