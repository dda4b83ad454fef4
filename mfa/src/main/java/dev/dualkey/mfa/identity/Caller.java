package dev.dualkey.mfa.identity;

/**
 * The authenticated principal of a request.
 *
 * @param userName {@value IamUser#ROOT} for the root user
 * @param userId   the user's id (for root: the account id, as AWS reports it)
 * @param arn      user or root ARN
 */
public record Caller(String accountId, String userName, String userId, String arn, boolean root) {
    public static Caller of(IamUser u) {
        return new Caller(u.accountId(), u.userName(), u.isRoot() ? u.accountId() : u.userId(), u.arn(), u.isRoot());
    }
}
