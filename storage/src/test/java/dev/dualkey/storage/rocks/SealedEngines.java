package dev.dualkey.storage.rocks;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * The engine and master keys of the sealed-data tests (SealedDataTest, DataKeyRewrapperTest): values up to
 * {@link #INLINE} bytes stay inline, larger ones go to blob files, so that small bodies exercise both paths; master
 * keys are derived from a seed so that a test can name the same key again.
 */
final class SealedEngines {
    /** The inline threshold of {@link #open}: small, so that a few KiB already make a blob. */
    static final int INLINE = 4096;

    private SealedEngines() {
    }

    /** A 32-byte master key, the same for the same seed. */
    static byte[] master(int seed) {
        byte[] m = new byte[32];
        new Random(seed).nextBytes(m);
        return m;
    }

    /** An engine on {@code dir} with the test database settings and the {@link #INLINE} threshold. */
    static StorageEngine open(Path dir) {
        return StorageEngine.open(dir, List.of(), Clock.systemUTC(), RocksObjectStoreContractTest.TEST_DB,
                new RocksObjectStore.Settings(INLINE, 1024, Duration.ofSeconds(30)));
    }
}
