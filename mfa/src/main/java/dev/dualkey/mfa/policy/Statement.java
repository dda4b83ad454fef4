package dev.dualkey.mfa.policy;

import java.util.List;

/**
 * One policy statement. Exactly one of {@code actions}/{@code notActions} and at most one of
 * {@code resources}/{@code notResources} is non-null (null = element absent).
 */
public record Statement(String sid, Effect effect, List<String> actions, List<String> notActions,
                        List<String> resources, List<String> notResources, List<Condition> conditions) {
}
