package dev.dualkey.gateway.iam.action;

import dev.dualkey.gateway.iam.IamAction;
import dev.dualkey.gateway.iam.IamActionHandler;
import dev.dualkey.gateway.iam.IamContext;
import dev.dualkey.gateway.iam.directory.IamAccessKey;
import dev.dualkey.gateway.iam.directory.IamAccessKeyMetadata;
import dev.dualkey.gateway.iam.directory.IamDirectory;
import dev.dualkey.gateway.iam.xml.IamXmlWriter;
import java.util.List;
import java.util.Map;

/**
 * CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey. Without {@code UserName} they act on
 * the caller's own keys (root's keys for the root user), as IAM does.
 */
final class AccessKeyActions {
    private final IamDirectory directory;

    AccessKeyActions(IamDirectory directory) {
        this.directory = directory;
    }

    void register(Map<IamAction, IamActionHandler> handlers) {
        handlers.put(IamAction.CREATE_ACCESS_KEY, this::create);
        handlers.put(IamAction.LIST_ACCESS_KEYS, this::list);
        handlers.put(IamAction.UPDATE_ACCESS_KEY, this::update);
        handlers.put(IamAction.DELETE_ACCESS_KEY, this::delete);
    }

    private IamXmlWriter.Body create(IamContext ctx) {
        IamAccessKey key = createKey(ctx);
        return x -> x.start("AccessKey")
                .text("UserName", key.userName())
                .text("AccessKeyId", key.accessKeyId())
                .text("Status", key.status())
                .text("SecretAccessKey", key.secretAccessKey())
                .timestamp("CreateDate", key.createDate())
                .end();
    }

    /** CreateAccessKey on the (canonical) target user. */
    IamAccessKey createKey(IamContext ctx) {
        String user = Targets.authorizeOnUser(ctx, directory, Targets.userOrCaller(ctx)).name();
        return directory.createAccessKey(ctx.actor(), user);
    }

    /** ListAccessKeys of the (canonical) target user, whole. */
    List<IamAccessKeyMetadata> keys(IamContext ctx) {
        String user = Targets.authorizeOnUser(ctx, directory, Targets.userOrCaller(ctx)).name();
        return directory.listAccessKeys(ctx.actor(), user);
    }

    private IamXmlWriter.Body list(IamContext ctx) {
        Page<IamAccessKeyMetadata> page = Page.of(keys(ctx),
                IamAccessKeyMetadata::accessKeyId, ctx.params().string("Marker"),
                ctx.params().integer("MaxItems", Page.DEFAULT_MAX_ITEMS));
        return x -> Shapes.page(x, "AccessKeyMetadata", page, (w, k) -> w
                .text("UserName", k.userName())
                .text("AccessKeyId", k.accessKeyId())
                .text("Status", k.status())
                .timestamp("CreateDate", k.createDate()));
    }

    private IamXmlWriter.Body update(IamContext ctx) {
        String user = Targets.authorizeOnUser(ctx, directory, Targets.userOrCaller(ctx)).name();
        directory.updateAccessKey(ctx.actor(), user, ctx.params().required("AccessKeyId"),
                ctx.params().required("Status"));
        return null;
    }

    private IamXmlWriter.Body delete(IamContext ctx) {
        String user = Targets.authorizeOnUser(ctx, directory, Targets.userOrCaller(ctx)).name();
        directory.deleteAccessKey(ctx.actor(), user, ctx.params().required("AccessKeyId"));
        return null;
    }
}
