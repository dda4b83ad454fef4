package dev.dualkey.gateway.iam.action;

import dev.dualkey.gateway.iam.IamAction;
import dev.dualkey.gateway.iam.IamActionHandler;
import dev.dualkey.gateway.iam.directory.IamDirectory;
import java.util.EnumMap;
import java.util.Map;

/** Builds the handler of every {@link IamAction} over one {@link IamDirectory}. */
public final class IamActions {
    private IamActions() {}

    public static Map<IamAction, IamActionHandler> over(IamDirectory directory) {
        Map<IamAction, IamActionHandler> handlers = new EnumMap<>(IamAction.class);
        new UserActions(directory).register(handlers);
        new AccessKeyActions(directory).register(handlers);
        new LoginProfileActions(directory).register(handlers);
        new UserPolicyActions(directory).register(handlers);
        new AccountActions(directory).register(handlers);
        new MfaDeviceActions(directory).register(handlers);
        return handlers;
    }
}
