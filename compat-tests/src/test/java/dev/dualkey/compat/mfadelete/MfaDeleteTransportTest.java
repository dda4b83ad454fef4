package dev.dualkey.compat.mfadelete;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MFADelete;
import software.amazon.awssdk.services.s3.model.MFADeleteStatus;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Where {@code x-amz-mfa} may travel (spec G4, decision D4): over HTTPS always; over plain HTTP only on a
 * loopback-only listener (the other suites) or when the operator allowed it; otherwise 400 InvalidRequest, and the
 * code is not spent (the transport is checked before the code).
 */
class MfaDeleteTransportTest {

    @Test
    void overHttpsMfaDeleteWorksEndToEnd() {
        try (MfaDeleteServer server = MfaDeleteServer.https();
             IamClient iam = Iam.client(server.endpoint(), server.endpoint().root());
             S3Client s3 = Clients.v2(server.endpoint())) {
            assertTrue(server.endpoint().isTls());
            MfaDevice device = MfaDevice.virtual(iam, server.clock(), "root-mfa", "root");
            s3.createBucket(b -> b.bucket("tls-bucket"));
            s3.putBucketVersioning(b -> b.bucket("tls-bucket").mfa(device.header())
                    .versioningConfiguration(v -> v.status("Enabled").mfaDelete(MFADelete.ENABLED)));
            String v1 = s3.putObject(b -> b.bucket("tls-bucket").key("k"), RequestBody.fromString("x")).versionId();
            S3Exception e = assertS3Error(403, "AccessDenied",
                    () -> s3.deleteObject(b -> b.bucket("tls-bucket").key("k").versionId(v1)));
            assertEquals(Messages.MFA_REQUIRED, e.awsErrorDetails().errorMessage());
            s3.deleteObject(b -> b.bucket("tls-bucket").key("k").versionId(v1).mfa(device.header()));
            assertTrue(s3.listObjectVersions(b -> b.bucket("tls-bucket")).versions().isEmpty());
        }
    }

    @Test
    void plainHttpOnANonLoopbackListenerRefusesTheHeader() {
        try (MfaDeleteServer server = MfaDeleteServer.plainHttpOn(nonLoopbackAddress(), false);
             IamClient iam = Iam.client(server.endpoint(), server.endpoint().root());
             S3Client s3 = Clients.v2(server.endpoint())) {
            GatewayEndpoint gw = server.endpoint();
            assertFalse(gw.isTls());
            MfaDevice device = MfaDevice.virtual(iam, server.clock(), "root-mfa", "root");
            s3.createBucket(b -> b.bucket("plain-bucket"));
            String header = device.header();
            S3Exception e = assertS3Error(400, "InvalidRequest", () -> s3.putBucketVersioning(b -> b
                    .bucket("plain-bucket").mfa(header)
                    .versioningConfiguration(v -> v.status("Enabled").mfaDelete(MFADelete.ENABLED))));
            assertEquals(Messages.HTTPS_REQUIRED, e.awsErrorDetails().errorMessage());
            assertNull(s3.getBucketVersioning(b -> b.bucket("plain-bucket")).status());

            // Where no code is needed the header is ignored, over HTTP too (D5).
            s3.putBucketVersioning(b -> b.bucket("plain-bucket").versioningConfiguration(v -> v.status("Enabled")));
            String v1 = s3.putObject(b -> b.bucket("plain-bucket").key("k"), RequestBody.fromString("x")).versionId();
            s3.deleteObject(b -> b.bucket("plain-bucket").key("k").versionId(v1).mfa(header));

            // The refused code was never checked, so it was not spent: an audit record says why, without it.
            assertTrue(server.auditLog().stream().anyMatch(r -> "s3:PutBucketVersioning".equals(r.action())
                    && "DENIED".equals(r.outcome()) && r.reason() != null
                    && r.reason().startsWith("INSECURE_TRANSPORT")), server.auditLog().toString());
            assertTrue(server.auditLog().stream().noneMatch(r -> "ACCEPTED".equals(r.outcome())));
        }
    }

    @Test
    void theOperatorMayAllowPlainHttpBehindATlsProxy() {
        try (MfaDeleteServer server = MfaDeleteServer.plainHttpOn(nonLoopbackAddress(), true);
             IamClient iam = Iam.client(server.endpoint(), server.endpoint().root());
             S3Client s3 = Clients.v2(server.endpoint())) {
            MfaDevice device = MfaDevice.virtual(iam, server.clock(), "root-mfa", "root");
            s3.createBucket(b -> b.bucket("proxied-bucket"));
            s3.putBucketVersioning(b -> b.bucket("proxied-bucket").mfa(device.header())
                    .versioningConfiguration(v -> v.status("Enabled").mfaDelete(MFADelete.ENABLED)));
            assertEquals(MFADeleteStatus.ENABLED, s3.getBucketVersioning(b -> b.bucket("proxied-bucket")).mfaDelete());
        }
    }

    /**
     * A local IPv4 address that is not loopback (e.g. the machine's LAN address), so the server's listener is
     * not loopback-only while the test still reaches it directly. On a machine without one, the wildcard address
     * (a listener on every interface, reached here through 127.0.0.1) is equally not loopback-only.
     */
    static InetAddress nonLoopbackAddress() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        return a;
                    }
                }
            }
            return InetAddress.getByName("0.0.0.0");
        } catch (SocketException | java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
