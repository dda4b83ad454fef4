package dev.dualkey.compat.mfadelete;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.Clients;
import dev.dualkey.mfa.audit.Actor;
import dev.dualkey.mfa.device.ImportResult;
import dev.dualkey.mfa.device.TokenImport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MFADelete;
import software.amazon.awssdk.services.s3.model.MFADeleteStatus;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A hardware token as the bucket owner's second factor: the operator imports the vendor's PSKC file (the
 * {@code /work/shared/data} test tokens, copied next to this class), root enables token {@code GAHT10000001}
 * by serial through the IAM API, and its serial goes in {@code x-amz-mfa}. Codes are computed from the CSV copy of
 * the same seeds, so the test also checks that the two files describe the same tokens.
 */
class HardwareTokenTest {
    /** The test tokens' files, relative to the compat-tests module (Surefire's working directory). */
    private static final Path TOKENS = Path.of(System.getProperty("basedir", "."),
            "src/test/java/dev/dualkey/compat/mfadelete");

    @Test
    void anImportedTokenGuardsMfaDeleteBySerial() throws IOException {
        Map<String, String> csvSeeds = Files.readAllLines(TOKENS.resolve("test-tokens.csv"), StandardCharsets.UTF_8)
                .stream().filter(l -> !l.isBlank() && !l.startsWith("#")).map(l -> l.split(","))
                .collect(Collectors.toMap(f -> f[0].strip(), f -> f[1].strip()));
        try (MfaDeleteServer server = MfaDeleteServer.loopback();
             IamClient iam = Iam.client(server.endpoint(), server.endpoint().root());
             S3Client s3 = Clients.v2(server.endpoint())) {
            ImportResult imported = server.identity().devices().importHardwareTokens(Actor.operator(),
                    TokenImport.read(TOKENS.resolve("test-tokens.pskc"), null));
            assertEquals(List.of("GAHT10000001", "GAHT10000002", "GAHT10000003"), imported.imported());
            // Importing the CSV of the same tokens changes nothing: an existing token's seed is never replaced.
            ImportResult again = server.identity().devices().importHardwareTokens(Actor.operator(),
                    TokenImport.read(TOKENS.resolve("test-tokens.csv"), null));
            assertEquals(List.of(), again.imported());
            assertEquals(3, again.alreadyPresent().size());

            String serial = "GAHT10000001";
            MfaDevice token = MfaDevice.hardware(iam, server.clock(), serial,
                    Authenticator.ofBase32(csvSeeds.get(serial)), "root");
            assertEquals(serial, iam.listMFADevices().mfaDevices().get(0).serialNumber());

            s3.createBucket(b -> b.bucket("vault"));
            s3.putBucketVersioning(b -> b.bucket("vault").mfa(token.header())
                    .versioningConfiguration(v -> v.status("Enabled").mfaDelete(MFADelete.ENABLED)));
            assertEquals(MFADeleteStatus.ENABLED, s3.getBucketVersioning(b -> b.bucket("vault")).mfaDelete());

            String v1 = s3.putObject(b -> b.bucket("vault").key("ledger"), RequestBody.fromString("2026")).versionId();
            // Another imported token, not assigned to root, does not count.
            String otherToken = "GAHT10000002 " + Authenticator.ofBase32(csvSeeds.get("GAHT10000002"))
                    .code(server.clock().advance(2));
            S3Exception e = assertS3Error(400, "InvalidArgument",
                    () -> s3.deleteObject(b -> b.bucket("vault").key("ledger").versionId(v1).mfa(otherToken)));
            assertEquals(Messages.HEADER_INVALID, e.awsErrorDetails().errorMessage());

            s3.deleteObject(b -> b.bucket("vault").key("ledger").versionId(v1).mfa(token.header()));
            assertTrue(s3.listObjectVersions(b -> b.bucket("vault")).versions().isEmpty());
        }
    }
}
