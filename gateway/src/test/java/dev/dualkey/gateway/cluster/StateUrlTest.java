package dev.dualkey.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.storage.kv.EtcdKvStore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateUrlTest {
    @TempDir
    Path dir;

    @Test
    void endpointsSchemesAndAuth() throws Exception {
        EtcdKvStore.Settings s = StateUrl.parse("etcd://10.0.0.1:2379,etcd-2:2379", null, null, null, Map.of());
        assertEquals(List.of(URI.create("http://10.0.0.1:2379"), URI.create("http://etcd-2:2379")), s.endpoints());
        assertNull(s.user());
        assertEquals(List.of(URI.create("https://h:2379")),
                StateUrl.parse("etcds://h:2379/", null, null, null, Map.of()).endpoints());
        Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
        assertEquals(List.of(URI.create("https://h:2379")),
                StateUrl.parse("etcd://h:2379", ca, null, null, Map.of()).endpoints(), "a CA implies TLS");
        EtcdKvStore.Settings auth = StateUrl.parse("etcd://h:2379", null, null, null,
                Map.of(StateUrl.USER_ENV, "dualkey", StateUrl.PASSWORD_ENV, "pw"));
        assertEquals("dualkey", auth.user());
        assertEquals("pw", auth.password());
    }

    @Test
    void refusesWhatIsNotAnEtcdUrl() {
        for (String bad : new String[] {"", "http://h:2379", "etcd://", "etcd://h", "etcd://h:x", "etcd://h:0",
                "etcd://h:2379,", "etcd://user@h:2379", "etcd://h:2379/path"}) {
            assertThrows(IllegalArgumentException.class, () -> StateUrl.parse(bad, null, null, null, Map.of()), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> StateUrl.parse("etcd://h:1", null, null, null,
                Map.of(StateUrl.USER_ENV, "u")), "user without password");
        assertThrows(IllegalArgumentException.class, () -> StateUrl.parse("etcd://h:1", null,
                dir.resolve("c.pem"), null, Map.of()), "certificate without key");
        assertThrows(IllegalArgumentException.class, () -> StateUrl.parse("etcd://h:1", dir.resolve("nope.pem"),
                null, null, Map.of()), "unreadable CA");
    }
}
