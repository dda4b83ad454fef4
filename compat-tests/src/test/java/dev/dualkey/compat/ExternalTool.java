package dev.dualkey.compat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real client other than the aws CLI ({@link AwsCli}) run as a subprocess: restic and rclone, Debian's packages as
 * {@code .ci/run} installs them. {@link #require} fails the test in CI ({@code CI=true}) when the tool is missing
 * and skips it elsewhere; {@link #run} starts it with nothing of the machine's own configuration.
 */
public final class ExternalTool {
    private ExternalTool() {
    }

    /** What a tool printed (standard output and error, interleaved) and its exit status. */
    public record Run(int exit, String output) {
    }

    /** Fails (in CI) or skips (elsewhere) the calling test when {@code name} is not on the PATH. */
    public static void require(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return;
            }
        }
        String message = name + " is not installed (apt-get install -y " + name + ")";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(message);
        }
        Assumptions.abort(message + "; skipping outside CI");
    }

    /**
     * Runs {@code command} in {@code workDir} with {@code env} added to an environment stripped of every
     * {@code AWS_}, {@code RCLONE_} and {@code RESTIC_} variable (e.g. the machine's {@code AWS_CA_BUNDLE}); at most
     * two minutes.
     */
    public static Run run(Path workDir, Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("RCLONE_")
                || k.startsWith("RESTIC_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /**
     * rclone's environment for a remote named {@code dk} on the gateway as {@code key} (path-style, no config
     * file: {@code RCLONE_CONFIG} names {@code dir/none.conf}, which need not exist).
     */
    public static Map<String, String> rcloneRemote(Path dir, GatewayEndpoint gw, AccessKey key) {
        return Map.of(
                "RCLONE_CONFIG", dir.resolve("none.conf").toString(),
                "RCLONE_CONFIG_DK_TYPE", "s3",
                "RCLONE_CONFIG_DK_PROVIDER", "Other",
                "RCLONE_CONFIG_DK_ENDPOINT", gw.endpoint().toString(),
                "RCLONE_CONFIG_DK_ACCESS_KEY_ID", key.accessKeyId(),
                "RCLONE_CONFIG_DK_SECRET_ACCESS_KEY", key.secretKey(),
                "RCLONE_CONFIG_DK_REGION", gw.region(),
                "RCLONE_CONFIG_DK_FORCE_PATH_STYLE", "true");
    }
}
