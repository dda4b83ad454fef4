package dev.dualkey.gateway.iam.action;

import dev.dualkey.gateway.iam.IamAction;
import dev.dualkey.gateway.iam.IamActionHandler;
import dev.dualkey.gateway.iam.IamContext;
import dev.dualkey.gateway.iam.directory.IamDirectory;
import dev.dualkey.gateway.iam.directory.IamLoginProfile;
import dev.dualkey.gateway.iam.error.IamErrorCode;
import dev.dualkey.gateway.iam.error.IamException;
import dev.dualkey.gateway.iam.xml.IamXmlWriter;
import java.util.Map;

/** Create/Get/Update/DeleteLoginProfile and ChangePassword (console passwords). */
final class LoginProfileActions {
    private final IamDirectory directory;

    LoginProfileActions(IamDirectory directory) {
        this.directory = directory;
    }

    void register(Map<IamAction, IamActionHandler> handlers) {
        handlers.put(IamAction.CREATE_LOGIN_PROFILE, this::create);
        handlers.put(IamAction.GET_LOGIN_PROFILE, this::get);
        handlers.put(IamAction.UPDATE_LOGIN_PROFILE, this::update);
        handlers.put(IamAction.DELETE_LOGIN_PROFILE, this::delete);
        handlers.put(IamAction.CHANGE_PASSWORD, this::changePassword);
    }

    private IamXmlWriter.Body create(IamContext ctx) {
        String user = Targets.authorizeOnUser(ctx, directory, Targets.userOrCaller(ctx)).name();
        String password = ctx.params().string("Password");
        if (password == null) {
            // The model made Password optional only for AssumeRoot sessions, which Dualkey does not have.
            throw new IamException(IamErrorCode.VALIDATION_ERROR, "1 validation error detected: Value null at "
                    + "'password' failed to satisfy constraint: Member must not be null");
        }
        Boolean reset = ctx.params().bool("PasswordResetRequired");
        IamLoginProfile profile = directory.createLoginProfile(ctx.actor(), user, password,
                reset != null && reset);
        return x -> profile(x, profile);
    }

    private IamXmlWriter.Body get(IamContext ctx) {
        String user = Targets.authorizeOnUser(ctx, directory, Targets.userOrCaller(ctx)).name();
        IamLoginProfile profile = directory.getLoginProfile(ctx.actor(), user);
        return x -> profile(x, profile);
    }

    private IamXmlWriter.Body update(IamContext ctx) {
        String user = Targets.authorizeOnUser(ctx, directory, ctx.params().required("UserName")).name();
        directory.updateLoginProfile(ctx.actor(), user, ctx.params().string("Password"),
                ctx.params().bool("PasswordResetRequired"));
        return null;
    }

    private IamXmlWriter.Body delete(IamContext ctx) {
        String user = Targets.authorizeOnUser(ctx, directory, Targets.userOrCaller(ctx)).name();
        directory.deleteLoginProfile(ctx.actor(), user);
        return null;
    }

    private IamXmlWriter.Body changePassword(IamContext ctx) {
        ctx.authorize(ctx.caller().arn());
        if (ctx.caller().isRoot()) {
            throw new IamException(IamErrorCode.INVALID_USER_TYPE,
                    "Only IAM users can change their own password with ChangePassword.");
        }
        directory.changePassword(ctx.actor(), ctx.caller().userName(), ctx.params().required("OldPassword"),
                ctx.params().required("NewPassword"));
        return null;
    }

    private static void profile(IamXmlWriter x, IamLoginProfile p) {
        x.start("LoginProfile")
                .text("UserName", p.userName())
                .timestamp("CreateDate", p.createDate())
                .bool("PasswordResetRequired", p.passwordResetRequired())
                .end();
    }
}
