package dev.dualkey.storage.disk;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Gatekeeper of the tests that need root (mount, loop devices). Policy: under {@code CI=true} a missing
 * prerequisite fails the test loudly (CI runs as root on machines with loop devices, so a skip there would hide a
 * lost test); elsewhere the test is skipped with a message naming what is missing.
 */
public final class Privileged {
    private Privileged() {
    }

    /** Ensures root, the given device nodes and commands are available, else skips or fails as documented. */
    public static void require(String test, List<String> devices, List<String> commands) {
        List<String> missing = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) {
            missing.add("root (running as " + System.getProperty("user.name") + ")");
        }
        for (String d : devices) {
            if (!Files.exists(Path.of(d))) {
                missing.add("device " + d);
            }
        }
        for (String c : commands) {
            if (!onPath(c)) {
                missing.add("command " + c);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String msg = test + " needs " + String.join(", ", missing);
        if ("true".equals(System.getenv("CI"))) {
            fail(msg + ": CI=true, so this must not be skipped (CI runs as root with loop devices)");
        }
        Assumptions.abort("SKIPPED (not CI): " + msg);
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>(List.of("/sbin", "/usr/sbin", "/bin", "/usr/bin"));
        if (path != null) {
            dirs.addAll(List.of(path.split(":")));
        }
        return dirs.stream().anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }
}
