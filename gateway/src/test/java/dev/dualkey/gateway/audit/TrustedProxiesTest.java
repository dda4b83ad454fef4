package dev.dualkey.gateway.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** X-Forwarded-For is believed only from declared proxies, and only as far as the first untrusted hop. */
class TrustedProxiesTest {
    private final TrustedProxies proxies = TrustedProxies.parse(List.of("10.0.0.0/8", "192.168.1.7,::1"));

    @Test
    void withoutTrustedProxiesTheHeaderIsIgnored() {
        assertEquals("198.51.100.4", TrustedProxies.NONE.resolve("198.51.100.4", List.of("203.0.113.9")));
        assertEquals("198.51.100.4", TrustedProxies.parse(List.of()).resolve("198.51.100.4", List.of("1.2.3.4")));
    }

    @Test
    void aPeerThatIsNotTrustedIsTheClientWhateverItClaims() {
        assertEquals("198.51.100.4", proxies.resolve("198.51.100.4", List.of("10.0.0.1")));
    }

    @Test
    void theRightmostUntrustedEntryIsTheClientAndTheProxiesAreVia() {
        assertEquals("203.0.113.9 via 10.0.0.2", proxies.resolve("10.0.0.2", List.of("203.0.113.9")));
        // A client-written (forged) entry to the left of the real client is not believed.
        assertEquals("203.0.113.9 via 10.1.1.1, 10.0.0.2",
                proxies.resolve("10.0.0.2", List.of("6.6.6.6, 203.0.113.9", "10.1.1.1")));
        assertEquals("203.0.113.9 via 0:0:0:0:0:0:0:1", proxies.resolve("0:0:0:0:0:0:0:1", List.of("203.0.113.9:5555")));
        assertEquals("2001:db8:0:0:0:0:0:1 via 192.168.1.7", proxies.resolve("192.168.1.7", List.of("[2001:db8::1]")));
    }

    @Test
    void namesAndGarbageAreNeverResolvedAndEndTheWalk() {
        assertEquals("10.0.0.2", proxies.resolve("10.0.0.2", List.of("evil.example")));
        assertEquals("10.0.0.3 via 10.0.0.2", proxies.resolve("10.0.0.2", List.of("cafe, 10.0.0.3")));
        assertEquals("10.0.0.2", proxies.resolve("10.0.0.2", List.of("")));
    }

    @Test
    void badRangesAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrustedProxies.parse(List.of("proxy.example")));
        assertEquals("--trusted-proxy: not an IP address or CIDR range: proxy.example", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse(List.of("10.0.0.0/33")));
    }
}
