package dev.dualkey.mfa.identity;

import java.time.Instant;

/** An account: 12-digit id, optional unique alias (null when none). */
public record Account(String accountId, String alias, Instant createDate) {
    /** The account's root user ARN, {@code arn:aws:iam::<id>:root}. */
    public String rootArn() {
        return "arn:aws:iam::" + accountId + ":root";
    }
}
