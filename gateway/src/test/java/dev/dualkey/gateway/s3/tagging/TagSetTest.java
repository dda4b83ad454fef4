package dev.dualkey.gateway.s3.tagging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tag set rules as AWS answers them (codes and messages). */
class TagSetTest {
    private static byte[] xml(String tags) {
        return ("<Tagging><TagSet>" + tags + "</TagSet></Tagging>").getBytes(StandardCharsets.UTF_8);
    }

    private static S3Exception refusedXml(String tags, TagSet.Scope scope) {
        return assertThrows(S3Exception.class, () -> TagSet.parseXml(xml(tags), scope));
    }

    @Test
    void headerForm() {
        assertNull(TagSet.parseHeader(null));
        assertEquals(Map.of("bar", "", "foo", "bar"), TagSet.parseHeader("foo=bar&bar"));
        assertEquals(Map.of("a b", "c/d"), TagSet.parseHeader("a+b=c%2Fd"));
        for (String bad : new String[] {"k=1&k=2", "k=1=2", "k=%zz"}) {
            S3Exception e = assertThrows(S3Exception.class, () -> TagSet.parseHeader(bad), bad);
            assertEquals(S3ErrorCode.INVALID_ARGUMENT, e.error());
            assertEquals(TagSet.HEADER_MESSAGE, e.getMessage());
        }
    }

    @Test
    void xmlFormAndLimits() {
        assertEquals(Map.of("a", "1", "b", ""), TagSet.parseXml(xml(
                "<Tag><Key>b</Key><Value></Value></Tag><Tag><Key>a</Key><Value>1</Value></Tag>"), TagSet.Scope.OBJECT));
        assertEquals(S3ErrorCode.MALFORMED_XML, refusedXml("<Tag><Key>a</Key></Tag>", TagSet.Scope.OBJECT).error());
        assertEquals(S3ErrorCode.BAD_REQUEST, refusedXml("<Tag><Key>a</Key><Value>1</Value></Tag>".repeat(11)
                .replace("<Key>a</Key>", "<Key>a</Key>"), TagSet.Scope.OBJECT).error());
        S3Exception dup = refusedXml("<Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>a</Key><Value>2</Value></Tag>",
                TagSet.Scope.OBJECT);
        assertEquals(S3ErrorCode.INVALID_TAG, dup.error());
        assertEquals("Cannot provide multiple Tags with the same key", dup.getMessage());
        assertEquals("Your TagKey cannot be prefixed with aws:", refusedXml(
                "<Tag><Key>aws:x</Key><Value>1</Value></Tag>", TagSet.Scope.OBJECT).getMessage());
        assertEquals("System tags cannot be added/updated by requester", refusedXml(
                "<Tag><Key>aws:x</Key><Value>1</Value></Tag>", TagSet.Scope.BUCKET).getMessage());
        assertEquals("The TagKey you have provided is invalid", refusedXml(
                "<Tag><Key></Key><Value>1</Value></Tag>", TagSet.Scope.OBJECT).getMessage());
        assertEquals("The TagValue you have provided is invalid", refusedXml(
                "<Tag><Key>k</Key><Value>a;b</Value></Tag>", TagSet.Scope.OBJECT).getMessage());
        String key128 = "\uD83D\uDE00".repeat(0) + "é".repeat(128);
        assertEquals(1, TagSet.parseXml(xml("<Tag><Key>" + key128 + "</Key><Value>v</Value></Tag>"),
                TagSet.Scope.OBJECT).size());
        assertEquals("The TagKey you have provided is too long, max 128", refusedXml("<Tag><Key>" + key128
                + "x</Key><Value>v</Value></Tag>", TagSet.Scope.OBJECT).getMessage());
    }
}
