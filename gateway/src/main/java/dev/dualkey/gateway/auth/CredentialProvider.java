package dev.dualkey.gateway.auth;

import java.util.Optional;

/**
 * Finds the secret behind an access key id. The gateway calls it on its storage executor (never on an event
 * loop), so implementations may read a database. The lead wires the mfa module's identity store here.
 */
@FunctionalInterface
public interface CredentialProvider {
    /** The credential of this access key, or empty when no such key exists. */
    Optional<Credential> lookup(String accessKeyId);
}
