package dev.dualkey.gateway.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionsTest {
    static final ObjectVersion V = new ObjectVersion("b", "k", "null", false, true, 3, "abc",
            Instant.parse("2024-01-02T10:00:00.500Z"), "1", ObjectMetadata.empty(), 0, Map.of());
    static final String BEFORE = "Tue, 02 Jan 2024 09:00:00 GMT";
    static final String SAME = "Tue, 02 Jan 2024 10:00:00 GMT";
    static final String AFTER = "Tue, 02 Jan 2024 11:00:00 GMT";

    static Conditions.Result eval(String ifMatch, String ifNoneMatch, String ims, String ius) {
        return Conditions.evaluate(V, ifMatch, ifNoneMatch, ims, ius);
    }

    @Test
    void ifMatchAndIfNoneMatch() {
        assertEquals(Conditions.Result.PROCEED, eval("\"abc\"", null, null, null));
        assertEquals(Conditions.Result.PROCEED, eval("\"x\", \"abc\"", null, null, null));
        assertEquals(Conditions.Result.PROCEED, eval("*", null, null, null));
        assertEquals(Conditions.Result.PRECONDITION_FAILED_IF_MATCH, eval("\"other\"", null, null, null));
        assertEquals(Conditions.Result.NOT_MODIFIED_IF_NONE_MATCH, eval(null, "\"abc\"", null, null));
        assertEquals(Conditions.Result.PROCEED, eval(null, "\"other\"", null, null));
    }

    @Test
    void datesCompareAtSecondPrecision() {
        assertEquals(Conditions.Result.NOT_MODIFIED_IF_MODIFIED_SINCE, eval(null, null, SAME, null));
        assertEquals(Conditions.Result.PROCEED, eval(null, null, BEFORE, null));
        assertEquals(Conditions.Result.PROCEED, eval(null, null, null, SAME));
        assertEquals(Conditions.Result.PRECONDITION_FAILED_IF_UNMODIFIED_SINCE, eval(null, null, null, BEFORE));
        assertEquals(Conditions.Result.PROCEED, eval(null, null, "not a date", null));
    }

    @Test
    void s3PrecedenceRules() {
        // If-Match true wins over a failing If-Unmodified-Since; If-None-Match false wins over If-Modified-Since.
        assertEquals(Conditions.Result.PROCEED, eval("\"abc\"", null, null, BEFORE));
        assertEquals(Conditions.Result.PROCEED, eval(null, "\"other\"", AFTER, null));
        assertEquals(Conditions.Result.PRECONDITION_FAILED_IF_MATCH, eval("\"zzz\"", "\"abc\"", null, null));
    }
}
