package dev.dualkey.mfa.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.mfa.store.MfaCodecs;
import dev.dualkey.mfa.testing.MfaFixture;
import dev.dualkey.storage.rocks.BinaryWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log as the console reads it: newest first, filtered, paged with a cursor that stays put while new
 * records arrive; old-layout records (before {@code via}) still decode; the one-string client form splits.
 */
class AuditLogPagingTest {
    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    @TempDir
    Path dir;
    private MfaFixture fx;
    private AuditLog log;

    @BeforeEach
    void open() {
        fx = new MfaFixture(dir);
        log = fx.mfa.audit();
    }

    @AfterEach
    void close() {
        fx.close();
    }

    private void add(int minute, String account, String principal, String action, String outcome, String bucket,
                     String client) {
        log.append(new AuditRecord(T0.plus(Duration.ofMinutes(minute)), account, principal, null, action, bucket,
                null, null, null, outcome, client, null));
    }

    private static List<Integer> minutes(AuditLog.Page p) {
        List<Integer> out = new ArrayList<>();
        p.records().forEach(r -> out.add((int) Duration.between(T0, r.record().time()).toMinutes()));
        return out;
    }

    @Test
    void newestFirstPagesWithAStableCursorWhileRecordsArrive() {
        for (int i = 0; i < 7; i++) {
            add(i, "111111111111", "arn:aws:iam::111111111111:root", "s3:DeleteObjectVersion", "ACCEPTED", "b",
                    "10.0.0." + i);
        }
        AuditFilter all = AuditFilter.account("111111111111");
        AuditLog.Page first = log.page(all, null, 3, 1000);
        assertEquals(List.of(6, 5, 4), minutes(first));
        // A record arriving between two page views does not shift the next page.
        add(10, "111111111111", "arn:aws:iam::111111111111:root", "s3:DeleteObjectVersion", "ACCEPTED", "b", "x");
        AuditLog.Page second = log.page(all, first.next(), 3, 1000);
        assertEquals(List.of(3, 2, 1), minutes(second));
        AuditLog.Page third = log.page(all, second.next(), 3, 1000);
        assertEquals(List.of(0), minutes(third));
        assertNull(third.next(), "the last page has no next cursor");
        assertEquals(List.of(10, 6, 5), minutes(log.page(all, null, 3, 1000)));
    }

    @Test
    void filtersNeverCrossTheAccountAndCombine() {
        add(0, "111111111111", "arn:aws:iam::111111111111:user/alice", "iam:CreateAccessKey", "OK", null, "10.0.0.1");
        add(1, "222222222222", "arn:aws:iam::222222222222:user/alice", "iam:CreateAccessKey", "OK", null, "10.0.0.1");
        add(2, "111111111111", "arn:aws:iam::111111111111:root", "s3:DeleteObjectVersion", "INVALID", "photos",
                "203.0.113.9 via 10.0.0.2");
        add(3, "111111111111", "arn:aws:iam::111111111111:root", "s3:DeleteObjectVersion", "ACCEPTED", "photos",
                "10.0.0.1");
        add(4, "111111111111", "operator", "admin:ResetRootPassword", "OK", null, "local");
        String a = "111111111111";
        assertEquals(List.of(4, 3, 2, 0), minutes(log.page(AuditFilter.account(a), null, 50, 1000)));
        assertEquals(List.of(0), minutes(log.page(new AuditFilter(a, null, null, "ALICE", null, null, null, null),
                null, 50, 1000)));
        assertEquals(List.of(2), minutes(log.page(new AuditFilter(a, null, null, null, "deleteobjectversion",
                "invalid", "photos", null), null, 50, 1000)));
        assertEquals(List.of(2), minutes(log.page(new AuditFilter(a, null, null, null, null, null, null,
                "10.0.0.2"), null, 50, 1000)), "a proxy hop matches the client filter");
        assertEquals(List.of(4), minutes(log.page(new AuditFilter(a, null, null, null, null, null, null, "local"),
                null, 50, 1000)));
        assertEquals(List.of(3, 2), minutes(log.page(new AuditFilter(a, T0.plusSeconds(120), T0.plusSeconds(240),
                null, null, null, null, null), null, 50, 1000)), "from inclusive, to exclusive");
    }

    @Test
    void aScanBudgetEndsAPageEarlyWithACursorToGoOn() {
        for (int i = 0; i < 10; i++) {
            add(i, i == 0 ? "111111111111" : "999999999999", "p", "a", "OK", null, "c");
        }
        AuditFilter mine = AuditFilter.account("111111111111");
        AuditLog.Page p = log.page(mine, null, 50, 4);
        assertTrue(p.records().isEmpty());
        List<Integer> found = new ArrayList<>();
        String next = p.next();
        while (next != null) {
            p = log.page(mine, next, 50, 4);
            found.addAll(minutes(p));
            next = p.next();
        }
        assertEquals(List.of(0), found);
    }

    @Test
    void aBadCursorIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> log.page(AuditFilter.account("1"), "zz", 5, 5));
        assertThrows(IllegalArgumentException.class, () -> log.page(AuditFilter.account("1"), "00ff", 5, 5));
    }

    @Test
    void aRecordWrittenBeforeViaExistedStillDecodes() {
        BinaryWriter w = BinaryWriter.withVersion(1); // exactly what the layout before issue 18 wrote
        w.writeInstant(T0).writeString("111111111111").writeString("root").writeString(null)
                .writeString("console:SignIn").writeString(null).writeString(null).writeString(null)
                .writeString(null).writeString("OK").writeString("127.0.0.1").writeString(null);
        AuditRecord r = MfaCodecs.AUDIT.decode(w.toByteArray());
        assertEquals("127.0.0.1", r.clientAddress());
        assertNull(r.via());
        AuditRecord withVia = new AuditRecord(T0, "1", "p", null, "a", null, null, null, null, "OK",
                "203.0.113.9 via 10.0.0.1, 10.0.0.2", null);
        assertEquals("203.0.113.9", withVia.clientAddress());
        assertEquals("10.0.0.1, 10.0.0.2", withVia.via());
        assertEquals(withVia, MfaCodecs.AUDIT.decode(MfaCodecs.AUDIT.encode(withVia)));
    }
}
