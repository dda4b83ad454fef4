package dev.dualkey.gateway.iam.action;

import dev.dualkey.gateway.iam.IamAction;
import dev.dualkey.gateway.iam.IamActionHandler;
import dev.dualkey.gateway.iam.IamContext;
import dev.dualkey.gateway.iam.directory.IamDirectory;
import dev.dualkey.gateway.iam.xml.IamXmlWriter;
import java.util.Map;
import java.util.function.Function;

/** Put/Get/List/DeleteUserPolicy: inline identity policies of IAM users. */
final class UserPolicyActions {
    private final IamDirectory directory;

    UserPolicyActions(IamDirectory directory) {
        this.directory = directory;
    }

    void register(Map<IamAction, IamActionHandler> handlers) {
        handlers.put(IamAction.PUT_USER_POLICY, this::put);
        handlers.put(IamAction.GET_USER_POLICY, this::get);
        handlers.put(IamAction.LIST_USER_POLICIES, this::list);
        handlers.put(IamAction.DELETE_USER_POLICY, this::delete);
    }

    private IamXmlWriter.Body put(IamContext ctx) {
        String user = Targets.authorizeOnUser(ctx, directory, ctx.params().required("UserName")).name();
        directory.putUserPolicy(ctx.actor(), user, ctx.params().required("PolicyName"),
                ctx.params().required("PolicyDocument"));
        return null;
    }

    private IamXmlWriter.Body get(IamContext ctx) {
        String user = Targets.authorizeOnUser(ctx, directory, ctx.params().required("UserName")).name();
        String policyName = ctx.params().required("PolicyName");
        String document = directory.getUserPolicy(ctx.actor(), user, policyName);
        // IAM returns the document URL-encoded (RFC 3986); the SDKs and the CLI decode it.
        return x -> x.text("UserName", user)
                .text("PolicyName", policyName)
                .text("PolicyDocument", PolicyDocuments.urlEncode(document));
    }

    private IamXmlWriter.Body list(IamContext ctx) {
        String user = Targets.authorizeOnUser(ctx, directory, ctx.params().required("UserName")).name();
        Page<String> page = Page.of(directory.listUserPolicies(ctx.actor(), user), Function.identity(),
                ctx.params().string("Marker"), ctx.params().integer("MaxItems", Page.DEFAULT_MAX_ITEMS));
        return x -> {
            x.start("PolicyNames");
            for (String name : page.items()) {
                x.text("member", name);
            }
            x.end().bool("IsTruncated", page.truncated()).text("Marker", page.nextMarker());
        };
    }

    private IamXmlWriter.Body delete(IamContext ctx) {
        String user = Targets.authorizeOnUser(ctx, directory, ctx.params().required("UserName")).name();
        directory.deleteUserPolicy(ctx.actor(), user, ctx.params().required("PolicyName"));
        return null;
    }
}
