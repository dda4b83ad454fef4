package dev.dualkey.compat.mfadelete;

import org.junit.jupiter.api.BeforeAll;

/**
 * {@link MfaDeleteSdkV2Test} through AWS SDK for Java v2 against cluster mode ({@code serve --upstream URL --state etcd://...}): two
 * gateways over one etcd and one upstream (moto), behind a round-robin TCP balancer, so the suite's requests reach
 * both gateways ({@link MfaDeleteServer#cluster(boolean, int)}).
 */
class ClusterMfaDeleteSdkV2Test extends MfaDeleteSdkV2Test {
    @BeforeAll
    static void start() {
        startOn(MfaDeleteServer.cluster(false, 2));
    }
}
