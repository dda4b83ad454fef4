package dev.dualkey.storage.disk;

import dev.dualkey.testkit.Prerequisites;
import java.util.List;

/**
 * Gatekeeper of the tests that need root (mount, loop devices): {@link Prerequisites#requireRoot}, whose rule
 * (fail under {@code CI=true}, skip with a message elsewhere) is the one for every prerequisite.
 */
public final class Privileged {
    private Privileged() {
    }

    /** Ensures root, the given device nodes and commands are available, else skips or fails as documented. */
    public static void require(String test, List<String> devices, List<String> commands) {
        Prerequisites.requireRoot(test, devices, commands);
    }
}
