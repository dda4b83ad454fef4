package dev.dualkey.gateway.iam.directory;

import java.util.Objects;

/**
 * Who performs a directory operation, for scoping (the account) and for the audit log.
 *
 * @param accountId the caller's account; every operation is confined to it
 * @param userName the caller's user name ({@code root} for the root user)
 * @param principalArn the caller's ARN
 * @param accessKeyId the key the request was signed with
 * @param clientAddress the remote address
 */
public record Actor(String accountId, String userName, String principalArn, String accessKeyId, String clientAddress) {
    public Actor {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(userName, "userName");
        Objects.requireNonNull(principalArn, "principalArn");
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(clientAddress, "clientAddress");
    }
}
