package dev.dualkey.compat.mfadelete;

import org.junit.jupiter.api.BeforeAll;

/**
 * {@link MfaDeleteCliTest} through the aws CLI against cluster mode ({@code serve --upstream URL --state etcd://...}): two
 * gateways over one etcd and one upstream (moto), behind a round-robin TCP balancer, so the suite's requests reach
 * both gateways ({@link MfaDeleteServer#cluster(boolean, int)}).
 */
class ClusterMfaDeleteCliTest extends MfaDeleteCliTest {
    @BeforeAll
    static void start() {
        startOn(MfaDeleteServer.cluster(false, 2));
    }
}
