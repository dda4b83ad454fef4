package dev.dualkey.mfa.identity;

import java.time.Instant;
import java.util.Map;

/**
 * An IAM user, or the root user of an account ({@link #isRoot()}, stored under the reserved name
 * {@value #ROOT}).
 *
 * @param passwordLastUsed last console sign-in, null if never
 * @param tags             user tags (insertion order)
 */
public record IamUser(String accountId, String path, String userName, String userId, Instant createDate,
                      Map<String, String> tags, Instant passwordLastUsed) {
    /** The reserved user name under which the root user's keys, password and devices are managed. */
    public static final String ROOT = "root";

    public IamUser {
        tags = Map.copyOf(tags);
    }

    public boolean isRoot() {
        return ROOT.equals(userName);
    }

    /** {@code arn:aws:iam::<acct>:root} for root, else {@code arn:aws:iam::<acct>:user<path><name>}. */
    public String arn() {
        return isRoot() ? "arn:aws:iam::" + accountId + ":root" : "arn:aws:iam::" + accountId + ":user" + path
                + userName;
    }

    public IamUser withPasswordLastUsed(Instant t) {
        return new IamUser(accountId, path, userName, userId, createDate, tags, t);
    }
}
