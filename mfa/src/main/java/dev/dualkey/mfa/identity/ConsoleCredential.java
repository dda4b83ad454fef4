package dev.dualkey.mfa.identity;

/**
 * What a console session is bound to (issue 13.6): the principal's immutable id and the generation of its
 * console password. Sessions of a deleted user, of a user re-created under the same name (any case), or
 * opened before a password change, reset or login-profile deletion no longer match.
 *
 * @param principalId the user id ({@code AIDA...}), or the account id for the root user
 * @param generation  an opaque digest of the stored password hash: every password set (change, reset, update by
 *                    an administrator, operator reset) hashes with a fresh salt, so it changes every time
 */
public record ConsoleCredential(String principalId, String generation) {
}
