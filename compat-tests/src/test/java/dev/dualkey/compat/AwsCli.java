package dev.dualkey.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;

/**
 * Runs the aws CLI as a subprocess against a gateway: credentials and region come from the environment,
 * every call gets {@code --endpoint-url}, and the user's own {@code ~/.aws} files are ignored.
 *
 * <p>When {@code aws} is not installed, {@link #require} fails the test if {@code CI=true} and skips it with a
 * message otherwise.
 */
public final class AwsCli {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final GatewayEndpoint gw;
    private final AccessKey key;
    private final Path workDir;
    /** AWS_SESSION_TOKEN for temporary (STS) credentials; null for long-term keys. */
    private final String sessionToken;
    /** AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE; when set, no key comes from the environment. */
    private final Path configFile;
    private final Path credentialsFile;
    /** Further environment variables ({@link #withEnvironment}); empty by default. */
    private java.util.Map<String, String> extraEnvironment = java.util.Map.of();

    private AwsCli(GatewayEndpoint gw, AccessKey key, Path workDir) {
        this(gw, key, workDir, null);
    }

    private AwsCli(GatewayEndpoint gw, AccessKey key, Path workDir, String sessionToken) {
        this(gw, key, workDir, sessionToken, null, null);
    }

    private AwsCli(GatewayEndpoint gw, AccessKey key, Path workDir, String sessionToken, Path configFile,
                   Path credentialsFile) {
        this.gw = gw;
        this.key = key;
        this.workDir = workDir;
        this.sessionToken = sessionToken;
        this.configFile = configFile;
        this.credentialsFile = credentialsFile;
    }

    /** The CLI as the root user, or a failed (CI) / skipped (elsewhere) test when {@code aws} is missing. */
    public static AwsCli require(GatewayEndpoint gw, Path workDir) {
        if (findOnPath("aws") == null) {
            dev.dualkey.testkit.Prerequisites.require("the aws CLI tests", false,
                    "the aws CLI (pip install awscli)");
        }
        return new AwsCli(gw, gw.root(), workDir);
    }

    /** The same CLI signing with another key. */
    public AwsCli as(AccessKey other) {
        return new AwsCli(gw, other, workDir);
    }

    /** The same CLI with temporary credentials: {@code AWS_SESSION_TOKEN} set, as after get-session-token. */
    public AwsCli asSession(AccessKey sessionKey, String token) {
        return new AwsCli(gw, sessionKey, workDir, token);
    }

    /**
     * The same CLI reading its profiles from these files ({@code AWS_CONFIG_FILE},
     * {@code AWS_SHARED_CREDENTIALS_FILE}) and no key from the environment: pass {@code --profile NAME}.
     */
    public AwsCli withProfileFiles(Path config, Path credentials) {
        return new AwsCli(gw, key, workDir, null, config, credentials);
    }

    /**
     * The same CLI with one more environment variable, e.g. {@code AWS_REQUEST_CHECKSUM_CALCULATION=when_required}
     * (the CLI then sends no checksum where none is required, as before 2025).
     */
    public AwsCli withEnvironment(String name, String value) {
        AwsCli copy = new AwsCli(gw, key, workDir, sessionToken, configFile, credentialsFile);
        java.util.Map<String, String> env = new java.util.HashMap<>(extraEnvironment);
        env.put(name, value);
        copy.extraEnvironment = java.util.Map.copyOf(env);
        return copy;
    }

    /** Runs {@code aws <args> --endpoint-url ...} and waits up to {@code timeout}. */
    public Result run(Duration timeout, String... args) {
        List<String> command = new ArrayList<>();
        command.add("aws");
        command.addAll(List.of(args));
        command.add("--endpoint-url");
        command.add(gw.endpoint().toString());
        command.add("--output");
        command.add("json");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        Map<String, String> env = builder.environment();
        env.put("AWS_ACCESS_KEY_ID", key.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", key.secretKey());
        env.put("AWS_DEFAULT_REGION", gw.region());
        env.put("AWS_CONFIG_FILE", "/dev/null");
        env.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        env.put("AWS_PAGER", "");
        env.put("AWS_MAX_ATTEMPTS", "1");
        env.put("AWS_RETRY_MODE", "standard");
        env.remove("AWS_SESSION_TOKEN");
        if (sessionToken != null) {
            env.put("AWS_SESSION_TOKEN", sessionToken);
        }
        if (configFile != null) {
            env.remove("AWS_ACCESS_KEY_ID");
            env.remove("AWS_SECRET_ACCESS_KEY");
            env.put("AWS_CONFIG_FILE", configFile.toString());
            env.put("AWS_SHARED_CREDENTIALS_FILE", credentialsFile.toString());
        }
        env.remove("AWS_PROFILE");
        env.putAll(extraEnvironment);
        try {
            Path out = Files.createTempFile(workDir, "aws-out-", ".txt");
            Path err = Files.createTempFile(workDir, "aws-err-", ".txt");
            builder.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                Assertions.fail("aws " + String.join(" ", args) + " did not finish within " + timeout);
            }
            Result result = new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs with a one-minute timeout. */
    public Result run(String... args) {
        return run(Duration.ofMinutes(1), args);
    }

    private static Path findOnPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Exit code and captured output of one CLI run. */
    public record Result(int exitCode, String stdout, String stderr) {

        /** Asserts exit code 0 and returns this. */
        public Result assertSuccess() {
            Assertions.assertEquals(0, exitCode, () -> "aws failed: " + stderr + stdout);
            return this;
        }

        /** stdout parsed as JSON (the CLI prints nothing for some calls: then an empty object). */
        public JsonNode json() {
            try {
                return stdout.isBlank() ? JSON.createObjectNode() : JSON.readTree(stdout);
            } catch (IOException e) {
                throw new AssertionError("aws output is not JSON: " + stdout, e);
            }
        }
    }
}
