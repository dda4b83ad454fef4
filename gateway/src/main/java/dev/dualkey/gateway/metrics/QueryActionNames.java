package dev.dualkey.gateway.metrics;

import dev.dualkey.gateway.iam.IamAction;
import dev.dualkey.gateway.sts.StsAction;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The {@code Action} of an IAM or STS Query request, for the {@code operation} label: only a name from the fixed
 * sets {@link IamAction} / {@link StsAction} is returned, so a client cannot create label values.
 */
public final class QueryActionNames {
    private QueryActionNames() {
    }

    /** The IAM action's name, or null when the request names none we serve. */
    public static String iam(String rawQuery, byte[] body) {
        IamAction a = IamAction.fromName(action(rawQuery, body));
        return a == null ? null : a.actionName();
    }

    /** The STS action's name, or null when the request names none we serve. */
    public static String sts(String rawQuery, byte[] body) {
        StsAction a = StsAction.fromName(action(rawQuery, body));
        return a == null ? null : a.actionName();
    }

    private static String action(String rawQuery, byte[] body) {
        String found = find(body == null ? "" : new String(body, StandardCharsets.UTF_8));
        return found != null ? found : find(rawQuery == null ? "" : rawQuery);
    }

    private static String find(String form) {
        for (String pair : form.split("&")) {
            if (pair.startsWith("Action=")) {
                try {
                    return URLDecoder.decode(pair.substring("Action=".length()), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
