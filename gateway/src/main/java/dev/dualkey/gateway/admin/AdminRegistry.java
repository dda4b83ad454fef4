package dev.dualkey.gateway.admin;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Command name -> handler. The server builds one at start ({@link AdminCommands#standard}); issue 18 adds the
 * account and audit commands here.
 */
public final class AdminRegistry {
    private final Map<String, AdminHandler> handlers = new TreeMap<>();

    /** Registers {@code handler} under {@code name} (lower-case, dashes); a name is registered once. */
    public AdminRegistry register(String name, AdminHandler handler) {
        if (!name.matches("[a-z][a-z0-9-]{0,63}")) {
            throw new IllegalArgumentException("bad admin command name " + name);
        }
        if (handlers.putIfAbsent(name, handler) != null) {
            throw new IllegalArgumentException("admin command registered twice: " + name);
        }
        return this;
    }

    Optional<AdminHandler> find(String name) {
        return Optional.ofNullable(handlers.get(name));
    }

    /** The registered names, sorted. */
    public java.util.Set<String> names() {
        return java.util.Collections.unmodifiableSet(handlers.keySet());
    }
}
