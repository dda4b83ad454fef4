package dev.dualkey.gateway.iam.action;

import dev.dualkey.gateway.iam.IamAction;
import dev.dualkey.gateway.iam.IamActionHandler;
import dev.dualkey.gateway.iam.IamContext;
import dev.dualkey.gateway.iam.directory.IamDirectory;
import dev.dualkey.gateway.iam.xml.IamXmlWriter;
import java.util.Map;
import java.util.TreeMap;

/** GetAccountSummary. */
final class AccountActions {
    private final IamDirectory directory;

    AccountActions(IamDirectory directory) {
        this.directory = directory;
    }

    void register(Map<IamAction, IamActionHandler> handlers) {
        handlers.put(IamAction.GET_ACCOUNT_SUMMARY, this::summary);
    }

    private IamXmlWriter.Body summary(IamContext ctx) {
        ctx.authorize("*");
        Map<String, Integer> summary = new TreeMap<>(directory.accountSummary(ctx.actor()));
        return x -> {
            x.start("SummaryMap");
            summary.forEach((k, v) -> x.start("entry").text("key", k).number("value", v).end());
            x.end();
        };
    }
}
