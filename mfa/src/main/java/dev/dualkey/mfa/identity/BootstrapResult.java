package dev.dualkey.mfa.identity;

import java.util.Optional;

/**
 * Outcome of {@link IdentityService#bootstrap}: the first account, and the root secrets that were generated now
 * (to print once). On later starts both optionals are empty and {@code created} is false.
 */
public record BootstrapResult(Account account, boolean created, Optional<NewAccessKey> generatedAccessKey,
                              Optional<String> generatedRootPassword) {
    @Override
    public String toString() {
        return "BootstrapResult[account=" + account + ", created=" + created + ", secrets=(hidden)]";
    }
}
