package dev.dualkey.mfa.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.mfa.testing.MfaFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention deletes exactly the records older than the setting, in bounded batches, on an injected clock. */
class AuditRetentionTest {
    @TempDir
    Path dir;

    @Test
    void prunesOnlyRecordsOlderThanTheRetentionInBatches() {
        try (MfaFixture fx = new MfaFixture(dir)) {
            AuditLog log = fx.mfa.audit();
            Instant now = fx.clock.instant();
            for (int day = 0; day < 25; day++) { // one record a day for 25 days back
                log.append(AuditRecord.of(now.minus(Duration.ofDays(day)), "111111111111", "p", "a", "OK"));
            }
            AuditRetention retention = new AuditRetention(log, fx.clock, Duration.ofDays(10), 4, 0);
            assertEquals(now.minus(Duration.ofDays(10)), retention.cutoff());
            assertEquals(14, retention.runOnce(), "days 11..24 are older than 10 days; day 10 is exactly at it");
            List<AuditRecord> left = log.read(Instant.EPOCH, 100);
            assertEquals(11, left.size());
            assertEquals(now.minus(Duration.ofDays(10)), left.get(0).time());
            assertEquals(0, retention.runOnce(), "nothing more until time passes");
            fx.clock.advance(Duration.ofDays(2));
            assertEquals(2, retention.runOnce());
            assertEquals(9, log.read(Instant.EPOCH, 100).size());
        }
    }

    @Test
    void oneBatchDeletesAtMostItsSize() {
        try (MfaFixture fx = new MfaFixture(dir)) {
            AuditLog log = fx.mfa.audit();
            for (int i = 0; i < 10; i++) {
                log.append(AuditRecord.of(Instant.EPOCH.plusSeconds(i), "1", "p", "a", "OK"));
            }
            assertEquals(3, log.pruneBefore(fx.clock.instant(), 3));
            assertEquals(7, log.read(Instant.EPOCH, 100).size());
        }
    }

    @Test
    void retentionBelowADayIsRefused() {
        try (MfaFixture fx = new MfaFixture(dir)) {
            assertThrows(IllegalArgumentException.class,
                    () -> new AuditRetention(fx.mfa.audit(), fx.clock, Duration.ofHours(23), 10, 0));
        }
    }
}
