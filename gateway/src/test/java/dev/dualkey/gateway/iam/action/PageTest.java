package dev.dualkey.gateway.iam.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.iam.error.IamErrorCode;
import dev.dualkey.gateway.iam.error.IamException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PageTest {

    @Test
    void walksAllItemsThroughMarkers() {
        List<String> items = List.of("a", "b", "c", "d", "e");
        List<String> seen = new ArrayList<>();
        String marker = null;
        int pages = 0;
        do {
            Page<String> p = Page.of(items, Function.identity(), marker, 2);
            seen.addAll(p.items());
            marker = p.nextMarker();
            assertEquals(marker != null, p.truncated());
            pages++;
        } while (marker != null);
        assertEquals(items, seen);
        assertEquals(3, pages);
    }

    @Test
    void markerSurvivesDeletionOfItsItem() {
        Page<String> first = Page.of(List.of("a", "b", "c"), Function.identity(), null, 1);
        Page<String> second = Page.of(List.of("a", "c"), Function.identity(), first.nextMarker(), 1);
        assertEquals(List.of("c"), second.items());
        assertFalse(second.truncated());
        assertNull(second.nextMarker());
    }

    @Test
    void badMarkerIsInvalidInput() {
        IamException e = assertThrows(IamException.class,
                () -> Page.of(List.of("a"), Function.identity(), "not base64!", 1));
        assertEquals(IamErrorCode.INVALID_INPUT, e.errorCode());
    }

    @Test
    void policyDocumentsRoundTripThroughUrlDecoding() {
        String doc = "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"iam:*\","
                + " \"Resource\": \"arn:aws:iam::*:user/${aws:username}\", \"Sid\": \"é+~\"}]}";
        String encoded = PolicyDocuments.urlEncode(doc);
        assertTrue(encoded.startsWith("%7B%22Version%22%3A%20%222012-10-17%22"), encoded);
        assertEquals(doc, URLDecoder.decode(encoded, StandardCharsets.UTF_8));
    }
}
