package dev.dualkey.gateway.iam.action;

import dev.dualkey.gateway.iam.IamArns;
import dev.dualkey.gateway.iam.IamCaller;
import dev.dualkey.gateway.iam.IamContext;
import dev.dualkey.gateway.iam.directory.IamDirectory;
import dev.dualkey.gateway.iam.directory.IamUser;
import java.util.Locale;
import java.util.Optional;

/**
 * Resolves the user an action is about, once and canonically, and authorizes on it.
 *
 * <p>User names are case-insensitive as in IAM: {@code ADMIN} names the stored user {@code admin}, and the
 * decision is made on the stored ARN (stored name and path), so a Deny on {@code user/admin} or on
 * {@code user/ops/*} cannot be escaped by writing the name in another case. The AccessDenied message names
 * the user as the caller wrote it ({@code user/ADMIN}), never the stored path: no existence oracle.
 *
 * <p>{@code root} in any letter case is the account's root user: only the root user may act on it.
 */
public final class Targets {
    private Targets() {}

    /**
     * The user an action is about.
     *
     * @param name the stored (canonical) name to hand to the directory; {@code root} for the root user
     * @param arn the ARN decided on (stored path and name, or root's ARN)
     * @param writtenArn the ARN as the caller wrote the name, for messages
     * @param root whether it is the account's root user
     */
    public record UserTarget(String name, String arn, String writtenArn, boolean root) {
    }

    /** Whether {@code name} designates the root user ({@code root} in any letter case). */
    public static boolean isRootName(String name) {
        return name != null && name.toLowerCase(Locale.ROOT).equals(IamCaller.ROOT);
    }

    /** {@code UserName} if given, otherwise the caller itself ({@code root} for the root user), as IAM does. */
    static String userOrCaller(IamContext ctx) {
        String name = ctx.params().string("UserName");
        return name != null ? name : ctx.caller().userName();
    }

    /** Resolves {@code written} in the caller's account without authorizing. */
    static UserTarget resolve(IamContext ctx, IamDirectory directory, String written) {
        String account = ctx.accountId();
        if (isRootName(written)) {
            String rootArn = IamArns.root(account);
            return new UserTarget(IamCaller.ROOT, rootArn, rootArn, true);
        }
        String writtenArn = IamArns.user(account, "/", written);
        Optional<IamUser> stored = directory.findUser(ctx.actor(), written)
                .filter(u -> u.userName() != null); // root's record has no name; never an IAM user
        return stored.map(u -> new UserTarget(u.userName(), IamArns.user(account, u.path(), u.userName()),
                        writtenArn, false))
                .orElseGet(() -> new UserTarget(written, writtenArn, writtenArn, false));
    }

    /** Resolves {@code written}, authorizes the action on it, and returns the target (use its stored name). */
    static UserTarget authorizeOnUser(IamContext ctx, IamDirectory directory, String written) {
        UserTarget t = resolve(ctx, directory, written);
        if (t.root()) {
            ctx.authorizeOnRoot();
        } else {
            ctx.authorize(t.arn(), ctx.params().string("UserName") == null ? ctx.caller().arn() : t.writtenArn());
        }
        return t;
    }

    /** The user a device (by serial) is assigned to, if it exists in the account and is assigned. */
    static Optional<String> deviceUser(IamContext ctx, IamDirectory directory, String serial) {
        return directory.mfaDeviceUser(ctx.actor(), serial);
    }

    /**
     * Refuses a serial-addressed action on a device assigned to root to anyone but root, and for root itself
     * applies the recent-MFA rule when {@code changesSecondFactor}. Returns whether the device is root's.
     */
    static boolean guardRootDevice(IamContext ctx, IamDirectory directory, String serial,
                                   boolean changesSecondFactor) {
        boolean rootDevice = deviceUser(ctx, directory, serial).filter(Targets::isRootName).isPresent();
        if (rootDevice) {
            ctx.authorizeOnRoot();
            if (changesSecondFactor) {
                requireRecentMfaWhileRootHasDevice(ctx, directory);
            }
        }
        return rootDevice;
    }

    /**
     * While root has an enabled device, changes to root's devices need a recent MFA session (see
     * {@link IamContext#requireRecentMfa}); root's very first device needs none.
     */
    static void requireRecentMfaWhileRootHasDevice(IamContext ctx, IamDirectory directory) {
        if (!directory.listMfaDevices(ctx.actor(), IamCaller.ROOT).isEmpty()) {
            ctx.requireRecentMfa(IamArns.root(ctx.accountId()));
        }
    }
}
