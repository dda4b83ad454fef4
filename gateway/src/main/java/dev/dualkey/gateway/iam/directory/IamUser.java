package dev.dualkey.gateway.iam.directory;

import dev.dualkey.gateway.iam.validate.IamTag;
import java.time.Instant;
import java.util.List;

/**
 * The IAM {@code User} shape. For an account's root user {@code path} and {@code userName} are {@code null}
 * and {@code userId} is the account id, as IAM's GetUser answers for root.
 */
public record IamUser(String path, String userName, String userId, String arn, Instant createDate,
                      Instant passwordLastUsed, List<IamTag> tags) {
    public IamUser {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }
}
