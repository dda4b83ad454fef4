package dev.dualkey.storage.rocks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 a writer process in the middle of writes, reopen, and check the store against what it acknowledged
 * ({@link AckedHistory}). kill -9 keeps the page cache, so this proves crash consistency of the write path and
 * recovery, not fsync; {@link PowerCutTest} covers fsync.
 */
class CrashRecoveryTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(120) // hang detector only
    void acknowledgedWritesSurviveKill9AndNothingIsHalfVisible() throws Exception {
        AckedHistory history = AckedHistory.runAndKill(dir, 42, 300, () -> { });
        assertTrue(history.size() >= 300, "child wrote enough before the kill");
        history.verifyReopened(dir);
    }
}
