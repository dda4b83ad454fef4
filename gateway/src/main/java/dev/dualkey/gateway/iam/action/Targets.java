package dev.dualkey.gateway.iam.action;

import dev.dualkey.gateway.iam.IamArns;
import dev.dualkey.gateway.iam.IamCaller;
import dev.dualkey.gateway.iam.IamContext;
import dev.dualkey.gateway.iam.directory.IamDirectory;
import dev.dualkey.gateway.iam.directory.IamUser;

/** Resolves the user an action is about and the ARN it is authorized on. */
final class Targets {
    private Targets() {}

    /** {@code UserName} if given, otherwise the caller itself ({@code root} for the root user), as IAM does. */
    static String userOrCaller(IamContext ctx) {
        String name = ctx.params().string("UserName");
        return name != null ? name : ctx.caller().userName();
    }

    /**
     * The ARN of user {@code name} in the caller's account, with the user's real path when it exists
     * ({@code /} otherwise, so a missing user is still authorized before NoSuchEntity is answered).
     */
    static String userArn(IamContext ctx, IamDirectory directory, String name) {
        if (IamCaller.ROOT.equals(name)) {
            return IamArns.root(ctx.accountId());
        }
        String path = directory.findUser(ctx.actor(), name).map(IamUser::path).orElse("/");
        return IamArns.user(ctx.accountId(), path, name);
    }

    /** Authorizes on user {@code name} and returns the name. */
    static String authorizeOnUser(IamContext ctx, IamDirectory directory, String name) {
        ctx.authorize(userArn(ctx, directory, name));
        return name;
    }
}
