package dev.dualkey.mfa.identity;

/** Result of checking a console password: whether it matched and whether the user must set a new one. */
public record PasswordCheck(boolean matches, boolean resetRequired) {
}
