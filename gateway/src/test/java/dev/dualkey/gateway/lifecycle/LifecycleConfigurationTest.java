package dev.dualkey.gateway.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing, validation (AWS's codes and messages) and the canonical document of lifecycle configurations. */
class LifecycleConfigurationTest {

    static LifecycleConfiguration parse(String rules) {
        return LifecycleConfiguration.parse(("<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + rules + "</LifecycleConfiguration>").getBytes(StandardCharsets.UTF_8));
    }

    static S3Exception refused(String rules) {
        return assertThrows(S3Exception.class, () -> parse(rules));
    }

    @Test
    void everyFilterShapeParsesAndRoundTrips() {
        String rules = "<Rule><ID>legacy</ID><Prefix>logs/</Prefix><Status>Enabled</Status>"
                + "<Expiration><Days>30</Days></Expiration></Rule>"
                + "<Rule><ID>empty</ID><Filter></Filter><Status>Enabled</Status>"
                + "<NoncurrentVersionExpiration><NoncurrentDays>7</NoncurrentDays>"
                + "<NewerNoncurrentVersions>3</NewerNoncurrentVersions></NoncurrentVersionExpiration>"
                + "<AbortIncompleteMultipartUpload><DaysAfterInitiation>2</DaysAfterInitiation>"
                + "</AbortIncompleteMultipartUpload></Rule>"
                + "<Rule><ID>tag</ID><Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><Status>Disabled</Status>"
                + "<Expiration><Date>2030-01-01T00:00:00Z</Date></Expiration></Rule>"
                + "<Rule><ID>gt</ID><Filter><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan></Filter>"
                + "<Status>Enabled</Status><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker>"
                + "</Expiration></Rule>"
                + "<Rule><ID>and</ID><Filter><And><Prefix>a/</Prefix><Tag><Key>x</Key><Value>1</Value></Tag>"
                + "<Tag><Key>y</Key><Value>2</Value></Tag><ObjectSizeGreaterThan>1</ObjectSizeGreaterThan>"
                + "<ObjectSizeLessThan>100</ObjectSizeLessThan></And></Filter><Status>Enabled</Status>"
                + "<Expiration><Days>1</Days></Expiration></Rule>";
        LifecycleConfiguration c = parse(rules);
        assertEquals(5, c.rules().size());
        assertEquals(LifecycleFilter.Form.LEGACY_PREFIX, c.rules().get(0).filter().form());
        assertEquals(LifecycleFilter.Form.EMPTY, c.rules().get(1).filter().form());
        assertEquals(3, c.rules().get(1).newerNoncurrentVersions());
        assertEquals(2, c.rules().get(1).abortDaysAfterInitiation());
        assertFalse(c.rules().get(2).enabled());
        assertEquals(Instant.parse("2030-01-01T00:00:00Z"), c.rules().get(2).expirationDate());
        assertTrue(c.rules().get(3).removesExpiredMarkers());
        assertEquals(Map.of("x", "1", "y", "2"), c.rules().get(4).filter().tags());
        // the stored document parses to the same configuration, and is stable
        String doc = c.toXml();
        assertEquals(c, LifecycleConfiguration.fromStored(doc));
        assertEquals(doc, LifecycleConfiguration.fromStored(doc).toXml());
        assertTrue(doc.contains("<Date>2030-01-01T00:00:00.000Z</Date>"), doc);
    }

    @Test
    void missingIdIsGenerated() {
        LifecycleConfiguration c = parse("<Rule><Filter><Prefix></Prefix></Filter><Status>Enabled</Status>"
                + "<Expiration><Days>1</Days></Expiration></Rule>");
        assertEquals(48, c.rules().get(0).id().length());
    }

    @Test
    void malformedShapes() {
        String exp = "<Expiration><Days>1</Days></Expiration>";
        for (String bad : new String[] {
                "",                                                                       // no rule
                "<Rule><Filter/>" + exp + "</Rule>",                                       // no status
                "<Rule><Filter/><Status>enabled</Status>" + exp + "</Rule>",               // bad status
                "<Rule><Status>Enabled</Status>" + exp + "</Rule>",                        // no filter, no prefix
                "<Rule><Prefix/><Filter/><Status>Enabled</Status>" + exp + "</Rule>",      // both
                "<Rule><Filter><Prefix>a</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></Filter>"
                        + "<Status>Enabled</Status>" + exp + "</Rule>",                     // two conditions, no And
                "<Rule><Filter/><Status>Enabled</Status><Expiration><Days>1</Days><Date>2030-01-01T00:00:00Z"
                        + "</Date></Expiration></Rule>",                                    // Days and Date
                "<Rule><Filter/><Status>Enabled</Status><Expiration><Days>x</Days></Expiration></Rule>",
                "<Rule><Filter/><Status>Enabled</Status><Bogus/>" + exp + "</Rule>",
                "<Rule><Filter/><Status>Enabled</Status><Expiration></Expiration></Rule>",
        }) {
            assertEquals(S3ErrorCode.MALFORMED_XML, refused(bad).error(), bad);
        }
        assertEquals(S3ErrorCode.MALFORMED_XML, assertThrows(S3Exception.class, () -> LifecycleConfiguration.parse(
                "<VersioningConfiguration/>".getBytes(StandardCharsets.UTF_8))).error());
    }

    @Test
    void nonPositiveDaysAreInvalidArgumentWithAwsText() {
        S3Exception e = refused("<Rule><Filter/><Status>Enabled</Status><Expiration><Days>0</Days></Expiration></Rule>");
        assertEquals(S3ErrorCode.INVALID_ARGUMENT, e.error());
        assertEquals("'Days' for Expiration action must be a positive integer", e.getMessage());
        assertEquals(S3ErrorCode.INVALID_ARGUMENT, refused("<Rule><Filter/><Status>Enabled</Status>"
                + "<NoncurrentVersionExpiration><NoncurrentDays>-1</NoncurrentDays></NoncurrentVersionExpiration>"
                + "</Rule>").error());
        assertEquals(S3ErrorCode.INVALID_ARGUMENT, refused("<Rule><Filter/><Status>Enabled</Status>"
                + "<AbortIncompleteMultipartUpload><DaysAfterInitiation>0</DaysAfterInitiation>"
                + "</AbortIncompleteMultipartUpload></Rule>").error());
        assertEquals("'Date' must be at midnight GMT", refused("<Rule><Filter/><Status>Enabled</Status>"
                + "<Expiration><Date>2030-01-01T10:00:00Z</Date></Expiration></Rule>").getMessage());
    }

    @Test
    void conflictsAreInvalidRequestOrArgument() {
        String r = "<Rule><ID>same</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>";
        assertEquals(S3ErrorCode.INVALID_ARGUMENT, refused(r + r).error());
        S3Exception noAction = refused("<Rule><Filter/><Status>Enabled</Status></Rule>");
        assertEquals(S3ErrorCode.INVALID_REQUEST, noAction.error());
        assertEquals("At least one action needs to be specified in a rule", noAction.getMessage());
        S3Exception overlap = refused("<Rule><ID>a</ID><Prefix>logs/</Prefix><Status>Enabled</Status>"
                + "<Expiration><Days>1</Days></Expiration></Rule><Rule><ID>b</ID><Prefix>logs/old/</Prefix>"
                + "<Status>Enabled</Status><Expiration><Days>2</Days></Expiration></Rule>");
        assertEquals(S3ErrorCode.INVALID_REQUEST, overlap.error());
        assertTrue(overlap.getMessage().startsWith("Found overlapping prefixes"), overlap.getMessage());
        assertEquals(S3ErrorCode.INVALID_REQUEST, refused("<Rule><Filter><Tag><Key>k</Key><Value>v</Value></Tag>"
                + "</Filter><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>1"
                + "</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>").error());
        assertEquals(S3ErrorCode.INVALID_ARGUMENT, refused("<Rule><Filter/><Status>Enabled</Status><Expiration>"
                + "<Days>1</Days><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration></Rule>")
                .error());
        assertEquals(S3ErrorCode.INVALID_ARGUMENT, refused("<Rule><ID>" + "x".repeat(256) + "</ID><Filter/>"
                + "<Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>").error());
    }

    @Test
    void atMostAThousandRules() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 1001; i++) {
            b.append("<Rule><ID>r").append(i).append("</ID><Filter><Prefix>p").append(i)
                    .append("/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>");
        }
        assertEquals(S3ErrorCode.INVALID_REQUEST, refused(b.toString()).error());
        int cut = b.indexOf("<Rule><ID>r1000<");
        assertEquals(1000, parse(b.substring(0, cut)).rules().size());
    }

    @Test
    void transitionsAreNotImplemented() {
        S3Exception e = refused("<Rule><Filter/><Status>Enabled</Status><Transition><Days>30</Days>"
                + "<StorageClass>GLACIER</StorageClass></Transition></Rule>");
        assertEquals(S3ErrorCode.NOT_IMPLEMENTED, e.error());
    }

    @Test
    void filterMatchesPrefixTagsAndStrictSizes() {
        LifecycleFilter f = parse("<Rule><Filter><And><Prefix>a/</Prefix><Tag><Key>k</Key><Value>v</Value></Tag>"
                + "<ObjectSizeGreaterThan>10</ObjectSizeGreaterThan><ObjectSizeLessThan>20</ObjectSizeLessThan>"
                + "</And></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>")
                .rules().get(0).filter();
        assertTrue(f.matches(LifecycleEvaluatorTest.version("a/x", 15, Map.of("k", "v", "o", "p"))));
        assertFalse(f.matches(LifecycleEvaluatorTest.version("b/x", 15, Map.of("k", "v"))));
        assertFalse(f.matches(LifecycleEvaluatorTest.version("a/x", 15, Map.of("k", "w"))));
        assertFalse(f.matches(LifecycleEvaluatorTest.version("a/x", 10, Map.of("k", "v"))));
        assertFalse(f.matches(LifecycleEvaluatorTest.version("a/x", 20, Map.of("k", "v"))));
        assertNull(parse("<Rule><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule>")
                .rules().get(0).filter().prefix());
    }
}
