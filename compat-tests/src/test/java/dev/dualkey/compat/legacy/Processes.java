package dev.dualkey.compat.legacy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.ExternalTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs curl and python3 (boto3) for the legacy tests; a missing tool fails in CI and skips elsewhere. */
final class Processes {
    private Processes() {
    }

    /** Output and exit status of a finished process. */
    record Run(int exit, String out) {
    }

    static Run run(Map<String, String> env, List<String> command) {
        require(command.get(0));
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "process did not end: " + command);
            return new Run(p.exitValue(), out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code curl} of a URL: the status code on the first line, the body after it.
     *
     * @param extra more curl arguments (e.g. {@code -X PUT --data-binary @file})
     */
    static Run curl(String url, String... extra) {
        List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-s", "-g", "-w", "\n%{http_code}"));
        cmd.addAll(List.of(extra));
        cmd.add(url);
        Run r = run(Map.of(), cmd);
        int nl = r.out().lastIndexOf('\n');
        return new Run(Integer.parseInt(r.out().substring(nl + 1).trim()), r.out().substring(0, Math.max(0, nl)));
    }

    /** {@link ExternalTool#require}: a missing tool fails the test in CI and skips it elsewhere. */
    static void require(String tool) {
        ExternalTool.require(tool);
    }
}
