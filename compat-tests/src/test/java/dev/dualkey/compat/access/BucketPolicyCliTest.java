package dev.dualkey.compat.access;

import static dev.dualkey.compat.access.AccessServer.policy;
import static dev.dualkey.compat.access.AccessServer.publicRead;
import static dev.dualkey.compat.access.AccessServer.readFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.AwsCli;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.mfadelete.Iam;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import dev.dualkey.compat.mfadelete.MfaDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * The aws CLI ({@code s3api put-bucket-policy}, {@code get-bucket-policy(-status)},
 * {@code put/get/delete-public-access-block}, {@code --expected-bucket-owner}, {@code sts get-session-token})
 * and {@code curl} without credentials: the README's examples, run.
 */
class BucketPolicyCliTest {
    private static MfaDeleteServer server;
    private static GatewayEndpoint gw;

    @TempDir
    Path work;

    @BeforeAll
    static void start() {
        server = MfaDeleteServer.loopback();
        gw = server.endpoint();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private String file(String name, String content) throws IOException {
        Path p = work.resolve(name);
        Files.writeString(p, content);
        return "file://" + p;
    }

    /** {@code curl -s -o /dev/null -w %{http_code}}: the status of an unsigned request. */
    private static int curl(String url) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", url)
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "curl did not finish");
        return Integer.parseInt(new String(p.getInputStream().readAllBytes()).trim());
    }

    private static String bucketWithPage(AwsCli aws, Path work) throws IOException {
        String bucket = "pol-cli-" + Long.toHexString(System.nanoTime());
        aws.run("s3api", "create-bucket", "--bucket", bucket).assertSuccess();
        Path page = work.resolve("index.html");
        Files.writeString(page, "<h1>cli</h1>");
        aws.run("s3api", "put-object", "--bucket", bucket, "--key", "index.html", "--body", page.toString())
                .assertSuccess();
        return bucket;
    }

    @Test
    void publicReadWithCurlThenTheBlockOverridesIt() throws Exception {
        AwsCli aws = AwsCli.require(gw, work);
        String bucket = bucketWithPage(aws, work);
        String url = gw.endpoint() + "/" + bucket + "/index.html";
        assertEquals(403, curl(url));
        aws.run("s3api", "put-bucket-policy", "--bucket", bucket, "--policy", file("p.json", publicRead(bucket)))
                .assertSuccess();
        assertEquals(200, curl(url));
        JsonNode status = aws.run("s3api", "get-bucket-policy-status", "--bucket", bucket).assertSuccess().json();
        assertTrue(status.path("PolicyStatus").path("IsPublic").asBoolean());
        JsonNode got = aws.run("s3api", "get-bucket-policy", "--bucket", bucket).assertSuccess().json();
        assertTrue(got.path("Policy").asText().contains("PublicRead"));

        aws.run("s3api", "put-public-access-block", "--bucket", bucket, "--public-access-block-configuration",
                "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true")
                .assertSuccess();
        assertEquals(403, curl(url));
        JsonNode pab = aws.run("s3api", "get-public-access-block", "--bucket", bucket).assertSuccess().json();
        assertTrue(pab.path("PublicAccessBlockConfiguration").path("BlockPublicPolicy").asBoolean());
        AwsCli.Result blocked = aws.run("s3api", "put-bucket-policy", "--bucket", bucket, "--policy",
                file("p2.json", publicRead(bucket).replace("PublicRead", "Again")));
        assertNotEquals(0, blocked.exitCode());
        assertTrue(blocked.stderr().contains("AccessDenied"), blocked.stderr());
        aws.run("s3api", "delete-public-access-block", "--bucket", bucket).assertSuccess();
        assertEquals(200, curl(url));
        AwsCli.Result none = aws.run("s3api", "get-public-access-block", "--bucket", bucket);
        assertTrue(none.stderr().contains("NoSuchPublicAccessBlockConfiguration"), none.stderr());
    }

    @Test
    void sharedWithASecondAccountAndExpectedOwner() throws Exception {
        AwsCli aws = AwsCli.require(gw, work);
        String bucket = bucketWithPage(aws, work);
        String arn = "arn:aws:s3:::" + bucket;
        AccessServer.User reader = AccessServer.user(gw, gw.otherAccount(), server.otherAccountId(), policy(
                "{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":[\"" + arn + "\",\"" + arn + "/*\"]}"));
        AwsCli other = aws.as(reader.key());
        assertTrue(other.run("s3", "ls", "s3://" + bucket).stderr().contains("AccessDenied"));
        aws.run("s3api", "put-bucket-policy", "--bucket", bucket, "--policy",
                file("share.json", readFor(bucket, "{\"AWS\":\"arn:aws:iam::" + server.otherAccountId() + ":root\"}")))
                .assertSuccess();
        assertTrue(other.run("s3", "ls", "s3://" + bucket).assertSuccess().stdout().contains("index.html"));
        Path copy = work.resolve("copy.html");
        other.run("s3", "cp", "s3://" + bucket + "/index.html", copy.toString()).assertSuccess();
        assertEquals("<h1>cli</h1>", Files.readString(copy));
        AwsCli.Result write = other.run("s3", "cp", copy.toString(), "s3://" + bucket + "/intruder.html");
        assertNotEquals(0, write.exitCode());
        assertTrue(write.stderr().contains("AccessDenied"), write.stderr());

        aws.run("s3api", "head-object", "--bucket", bucket, "--key", "index.html", "--expected-bucket-owner",
                server.accountId()).assertSuccess();
        AwsCli.Result mismatch = aws.run("s3api", "get-object", "--bucket", bucket, "--key", "index.html",
                "--expected-bucket-owner", server.otherAccountId(), work.resolve("x").toString());
        assertNotEquals(0, mismatch.exitCode());
        assertTrue(mismatch.stderr().contains("AccessDenied"), mismatch.stderr());
    }

    @Test
    void denyWithoutMfaAndMalformedPolicy() throws Exception {
        AwsCli aws = AwsCli.require(gw, work);
        String bucket = bucketWithPage(aws, work);
        String arn = "arn:aws:s3:::" + bucket;
        AccessServer.User u = AccessServer.user(gw, gw.root(), server.accountId(), policy(
                "{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":[\"" + arn + "\",\"" + arn + "/*\"]}"));
        MfaDevice device;
        try (IamClient iam = Iam.client(gw, gw.root())) {
            device = MfaDevice.virtual(iam, server.clock(), u.name() + "-mfa", u.name());
        }
        aws.run("s3api", "put-bucket-policy", "--bucket", bucket, "--policy", file("mfa.json", policy(
                "{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"" + u.arn() + "\"},\"Action\":\"s3:*\","
                        + "\"Resource\":\"" + arn + "/*\",\"Condition\":{\"Bool\":"
                        + "{\"aws:MultiFactorAuthPresent\":\"false\"}}}"))).assertSuccess();
        AwsCli user = aws.as(u.key());
        List<String> args = new ArrayList<>(List.of("sts", "get-session-token", "--duration-seconds", "900"));
        JsonNode noCode = user.run(args.toArray(String[]::new)).assertSuccess().json().path("Credentials");
        args.addAll(List.of("--serial-number", device.serial(), "--token-code", device.freshCode()));
        JsonNode withCode = user.run(args.toArray(String[]::new)).assertSuccess().json().path("Credentials");
        AwsCli denied = aws.asSession(new AccessKey(noCode.path("AccessKeyId").asText(),
                noCode.path("SecretAccessKey").asText()), noCode.path("SessionToken").asText());
        AwsCli allowed = aws.asSession(new AccessKey(withCode.path("AccessKeyId").asText(),
                withCode.path("SecretAccessKey").asText()), withCode.path("SessionToken").asText());
        Path out = work.resolve("out.html");
        AwsCli.Result r = denied.run("s3", "cp", "s3://" + bucket + "/index.html", out.toString());
        assertNotEquals(0, r.exitCode());
        allowed.run("s3", "cp", "s3://" + bucket + "/index.html", out.toString()).assertSuccess();
        // "Bool" (not BoolIfExists): a long-term key has no aws:MultiFactorAuthPresent, so this Deny skips it
        user.run("s3", "cp", "s3://" + bucket + "/index.html", out.toString()).assertSuccess();

        AwsCli.Result bad = aws.run("s3api", "put-bucket-policy", "--bucket", bucket, "--policy",
                file("bad.json", publicRead(bucket).replace("\"*\"", "\"nobody\"")));
        assertNotEquals(0, bad.exitCode());
        assertTrue(bad.stderr().contains("MalformedPolicy") && bad.stderr().contains("Invalid principal in policy"),
                bad.stderr());
    }
}
