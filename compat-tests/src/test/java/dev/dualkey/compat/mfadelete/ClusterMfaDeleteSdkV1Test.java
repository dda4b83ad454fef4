package dev.dualkey.compat.mfadelete;

import org.junit.jupiter.api.BeforeAll;

/**
 * {@link MfaDeleteSdkV1Test} through AWS SDK for Java v1 (over TLS, as it sends MFA) against cluster mode ({@code serve --upstream URL --state etcd://...}): two
 * gateways over one etcd and one upstream (moto), behind a round-robin TCP balancer, so the suite's requests reach
 * both gateways ({@link MfaDeleteServer#cluster(boolean, int)}).
 */
class ClusterMfaDeleteSdkV1Test extends MfaDeleteSdkV1Test {
    @BeforeAll
    static void start() {
        startOn(MfaDeleteServer.cluster(true, 2));
    }
}
