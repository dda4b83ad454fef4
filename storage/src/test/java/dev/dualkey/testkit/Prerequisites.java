package dev.dualkey.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The one place that decides what a test does when something it needs from the machine is missing (Chromium,
 * root and loop devices, libfiu, the aws CLI, POSIX permissions, ...): under {@code CI=true} (any letter case;
 * {@code .ci/run} sets it) the test FAILS naming what is missing, because CI machines are set up to have all of
 * it and a skip there would hide a lost test; elsewhere (a developer's laptop) it is skipped with the same
 * message. Every module uses it: it ships in storage's test-jar ({@code dualkey-storage-<v>-tests.jar}), which
 * the other modules depend on with scope test.
 *
 * <p>Skips that happen anyway (an {@code @Disabled}, a stray assumption) are caught by {@code .ci/check-skips},
 * which fails a CI run whose surefire/failsafe reports list any skipped test, with each one's reason.
 */
public final class Prerequisites {
    private Prerequisites() {
    }

    /** Whether this run is CI ({@code CI=true}, case-insensitive): missing prerequisites fail instead of skip. */
    public static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Fails (CI) or skips (elsewhere) {@code test} when {@code missing} is not empty.
     *
     * @param test    who needs it, for the message
     * @param missing what is missing, one entry each (empty: nothing happens)
     */
    public static void require(String test, List<String> missing) {
        if (missing.isEmpty()) {
            return;
        }
        String msg = test + " needs " + String.join(", ", missing);
        if (ci()) {
            Assertions.fail(msg + ": CI=true forbids skipping (CI machines must provide it; see .ci/run)");
        }
        Assumptions.abort("SKIPPED (not CI): " + msg);
    }

    /** {@link #require(String, List)} for one condition. */
    public static void require(String test, boolean present, String what) {
        require(test, present ? List.of() : List.of(what));
    }

    /** Root, the given device nodes and the given commands (mount, losetup, ...). */
    public static void requireRoot(String test, List<String> devices, List<String> commands) {
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
            if (findCommand(c).isEmpty()) {
                missing.add("command " + c);
            }
        }
        require(test, missing);
    }

    /** The path of {@code command}, which must be installed ({@code apt} package named for the message). */
    public static Path requireCommand(String test, String command, String howToInstall) {
        Optional<Path> p = findCommand(command);
        require(test, p.isPresent(), "the command " + command + " (" + howToInstall + ")");
        return p.orElseThrow();
    }

    /** The first of {@code candidates} that exists (a shared library, a binary at a fixed path). */
    public static Path requireFile(String test, String howToInstall, String... candidates) {
        for (String c : candidates) {
            if (Files.exists(Path.of(c))) {
                return Path.of(c);
            }
        }
        require(test, false, String.join(" or ", candidates) + " (" + howToInstall + ")");
        throw new AssertionError("unreachable");
    }

    /** {@code command} on the PATH or in the system binary directories. */
    public static Optional<Path> findCommand(String command) {
        List<String> dirs = new ArrayList<>(List.of("/sbin", "/usr/sbin", "/bin", "/usr/bin", "/usr/local/bin"));
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(0, List.of(path.split(File.pathSeparator)));
        }
        return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, command)).filter(Files::isExecutable)
                .findFirst();
    }
}
