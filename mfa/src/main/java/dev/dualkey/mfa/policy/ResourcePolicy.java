package dev.dualkey.mfa.policy;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A parsed, validated bucket policy ({@link BucketPolicyParser}). {@link #conditionKeys} lists every condition key
 * its statements use (lower case), so that the gateway reads costly keys ({@code s3:ExistingObjectTag/<key>}: a
 * store read) only for a policy that mentions them.
 */
public record ResourcePolicy(String version, List<ResourceStatement> statements, Set<String> conditionKeys) {
    public ResourcePolicy {
        statements = List.copyOf(statements);
        conditionKeys = Set.copyOf(conditionKeys);
    }

    static ResourcePolicy of(String version, List<ResourceStatement> statements) {
        Set<String> keys = statements.stream().flatMap(s -> s.statement().conditions().stream())
                .map(c -> c.key().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        return new ResourcePolicy(version, statements, keys);
    }

    /** Whether some statement's condition uses a key starting with {@code prefix} (case-insensitive). */
    public boolean mentionsKeyPrefix(String prefix) {
        String p = prefix.toLowerCase(Locale.ROOT);
        return conditionKeys.stream().anyMatch(k -> k.startsWith(p));
    }
}
