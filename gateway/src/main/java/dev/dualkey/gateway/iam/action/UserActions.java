package dev.dualkey.gateway.iam.action;

import dev.dualkey.gateway.iam.IamAction;
import dev.dualkey.gateway.iam.IamActionHandler;
import dev.dualkey.gateway.iam.IamArns;
import dev.dualkey.gateway.iam.IamCaller;
import dev.dualkey.gateway.iam.IamContext;
import dev.dualkey.gateway.iam.directory.IamDirectory;
import dev.dualkey.gateway.iam.directory.IamUser;
import dev.dualkey.gateway.iam.error.IamErrorCode;
import dev.dualkey.gateway.iam.error.IamException;
import dev.dualkey.gateway.iam.xml.IamXmlWriter;
import java.util.List;
import java.util.Map;

/** CreateUser, GetUser, ListUsers, DeleteUser. */
final class UserActions {
    private final IamDirectory directory;

    UserActions(IamDirectory directory) {
        this.directory = directory;
    }

    void register(Map<IamAction, IamActionHandler> handlers) {
        handlers.put(IamAction.CREATE_USER, this::createUser);
        handlers.put(IamAction.GET_USER, this::getUser);
        handlers.put(IamAction.LIST_USERS, this::listUsers);
        handlers.put(IamAction.DELETE_USER, this::deleteUser);
    }

    private IamXmlWriter.Body createUser(IamContext ctx) {
        String name = ctx.params().required("UserName");
        String path = pathOrRoot(ctx.params().string("Path"));
        ctx.authorize(IamArns.user(ctx.accountId(), path, name));
        if (IamCaller.ROOT.equalsIgnoreCase(name)) {
            // "root" designates the account's root user in device and key operations, so no IAM user may take it.
            throw new IamException(IamErrorCode.ENTITY_ALREADY_EXISTS, "User with name " + name + " already exists.");
        }
        if (ctx.params().string("PermissionsBoundary") != null) {
            throw new IamException(IamErrorCode.INVALID_INPUT, "Permissions boundaries are not supported.");
        }
        IamUser user = directory.createUser(ctx.actor(), path, name, ctx.params().tags("Tags"));
        return x -> Shapes.user(x, "User", user);
    }

    private IamXmlWriter.Body getUser(IamContext ctx) {
        String name = Targets.authorizeOnUser(ctx, directory, Targets.userOrCaller(ctx)).name();
        IamUser user = directory.getUser(ctx.actor(), name);
        return x -> Shapes.user(x, "User", user);
    }

    private IamXmlWriter.Body listUsers(IamContext ctx) {
        Page<IamUser> page = Page.of(users(ctx), IamUser::userName,
                ctx.params().string("Marker"), ctx.params().integer("MaxItems", Page.DEFAULT_MAX_ITEMS));
        return x -> Shapes.page(x, "Users", page, Shapes::userMembers);
    }

    /** ListUsers, authorized on {@code *}: the users under {@code PathPrefix}, whole. */
    List<IamUser> users(IamContext ctx) {
        ctx.authorize("*");
        return directory.listUsers(ctx.actor(), pathOrRoot(ctx.params().string("PathPrefix")));
    }

    private IamXmlWriter.Body deleteUser(IamContext ctx) {
        String name = Targets.authorizeOnUser(ctx, directory, ctx.params().required("UserName")).name();
        directory.deleteUser(ctx.actor(), name);
        return null;
    }

    private static String pathOrRoot(String path) {
        return path == null ? "/" : path;
    }
}
