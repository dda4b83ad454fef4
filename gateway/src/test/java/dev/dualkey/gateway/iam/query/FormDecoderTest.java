package dev.dualkey.gateway.iam.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.gateway.iam.error.IamErrorCode;
import dev.dualkey.gateway.iam.error.IamException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FormDecoderTest {

    private static Map<String, String> decode(String form) {
        return FormDecoder.decode(form, Map.of());
    }

    @Test
    void decodesBotocoreStyleBody() {
        Map<String, String> p = decode("Action=EnableMFADevice&Version=2010-05-08&UserName=alice"
                + "&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice&AuthenticationCode1=123456");
        assertEquals("EnableMFADevice", p.get("Action"));
        assertEquals("arn:aws:iam::123456789012:mfa/alice", p.get("SerialNumber"));
        assertEquals("123456", p.get("AuthenticationCode1"));
    }

    @Test
    void plusIsSpaceAndMissingEqualsIsEmptyValue() {
        Map<String, String> p = decode("A=a+b%2Bc&Tags&&B=");
        assertEquals("a b+c", p.get("A"));
        assertEquals("", p.get("Tags"));
        assertEquals("", p.get("B"));
        assertEquals(3, p.size());
    }

    @Test
    void decodesMultiByteUtf8() {
        assertEquals("é€", decode("K=%C3%A9%E2%82%AC").get("K"));
        assertEquals("é", decode("K=é").get("K"));
    }

    @Test
    void refusesBrokenEscapes() {
        for (String bad : List.of("A=%", "A=%4", "A=%zz", "A=%C3", "=x", "A=%FF%FE")) {
            IamException e = assertThrows(IamException.class, () -> decode(bad), bad);
            assertEquals(IamErrorCode.MALFORMED_QUERY_STRING, e.errorCode());
            assertEquals(404, e.errorCode().httpStatus());
        }
    }

    @Test
    void refusesDuplicates() {
        IamException e = assertThrows(IamException.class, () -> decode("A=1&A=2"));
        assertEquals(IamErrorCode.MALFORMED_QUERY_STRING, e.errorCode());
        Map<String, String> base = new LinkedHashMap<>(Map.of("A", "1"));
        assertThrows(IamException.class, () -> FormDecoder.decode("A=1", base));
    }

    @Test
    void capsParameterCount() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i <= FormDecoder.MAX_PARAMETERS; i++) {
            sb.append("P").append(i).append("=v&");
        }
        IamException e = assertThrows(IamException.class, () -> decode(sb.toString()));
        assertEquals(IamErrorCode.MALFORMED_QUERY_STRING, e.errorCode());
    }

    @Test
    void memberIndexesAreNumericallyOrdered() {
        QueryParams q = new QueryParams(decode("T.member.10=j&T.member.2=b&T.member.1=a&T.member.x=z"
                + "&Tags.member.3.Key=k&Tags.member.1.Value=v&Other.member.1=o"));
        assertEquals(List.of(1, 2, 10), q.memberIndexes("T"));
        assertEquals(List.of(1, 3), q.memberIndexes("Tags"));
        assertEquals(true, q.mentionsList("Tags"));
        assertEquals(false, q.mentionsList("TagKeys"));
    }
}
