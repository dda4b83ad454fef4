package dev.dualkey.mfa.policy;

import java.util.List;

/**
 * One policy statement. Exactly one of {@code actions}/{@code notActions} and exactly one of
 * {@code resources}/{@code notResources} is non-null (null = element absent); none is empty.
 */
public record Statement(String sid, Effect effect, List<String> actions, List<String> notActions,
                        List<PolicyString> resources, List<PolicyString> notResources, List<Condition> conditions) {
    public Statement {
        actions = actions == null ? null : List.copyOf(actions);
        notActions = notActions == null ? null : List.copyOf(notActions);
        resources = resources == null ? null : List.copyOf(resources);
        notResources = notResources == null ? null : List.copyOf(notResources);
        conditions = List.copyOf(conditions);
    }
}
