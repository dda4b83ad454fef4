package dev.dualkey.mfa.policy;

/** Outcome of evaluating a request against a set of policies (IAM's evaluation logic). */
public enum Decision {
    /** At least one statement allows and none denies. */
    ALLOW,
    /** A statement denies: wins over every Allow. */
    EXPLICIT_DENY,
    /** Nothing matched: the default. */
    IMPLICIT_DENY;

    public boolean allowed() {
        return this == ALLOW;
    }
}
