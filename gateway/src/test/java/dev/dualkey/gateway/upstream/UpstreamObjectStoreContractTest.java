package dev.dualkey.gateway.upstream;

import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectStoreContractTest;
import dev.dualkey.storage.shared.MemoryKv;
import dev.dualkey.testkit.MotoServer;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole storage contract against the upstream store over a real S3 endpoint: moto in server mode, reset before
 * each test, with the version index in a {@link MemoryKv}. Every capability group of the contract runs (none is
 * excluded: the upstream store enforces Object Lock, conditional writes and publish checks itself, in its index, so
 * it needs from the upstream only versioned PUT/GET/DELETE by version id, ranged GETs and multipart uploads).
 */
class UpstreamObjectStoreContractTest extends ObjectStoreContractTest {
    @TempDir
    Path spool;

    @Override
    protected ObjectStore newStore() throws Exception {
        MotoServer moto = MotoServer.shared(getClass().getSimpleName());
        moto.reset();
        UpstreamSettings s = MotoUpstream.settings(moto, spool);
        return UpstreamObjectStore.open(s, new MemoryKv(), clock);
    }

    @Override
    protected int largeObjectSize() {
        return 64 * 1024;
    }

    @Override
    protected boolean servesZeroCopy() {
        return false;
    }
}
