package dev.dualkey.mfa.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dualkey.mfa.device.DeviceType;
import dev.dualkey.storage.rocks.BinaryWriter;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The device value layout: layout 2 round-trips, and a layout-1 record written before it still decodes. */
class DeviceCodecTest {
    private static final Instant T = Instant.ofEpochSecond(1_800_000_000L);

    @Test
    void layoutTwoRoundTripsBothLanes() {
        DeviceRecord d = new DeviceRecord("arn:aws:iam::111111111111:mfa/p", DeviceType.VIRTUAL, "111111111111", "/",
                "p", new byte[] {9, 8}, T, "root", T, -2, 60_000_000L, Map.of("k", "v"),
                new ThrottleState(60_000_001L, 3, 1_800_000_100L, 2, new long[] {1, 2, 3}),
                new ThrottleState(60_000_002L, 1, 0, 0, new long[] {4}), new long[] {59_999_999L, 60_000_000L});
        DeviceRecord back = MfaCodecs.DEVICE.decode(MfaCodecs.DEVICE.encode(d));
        assertEquals(d.apiThrottle(), back.apiThrottle());
        assertEquals(d.consoleThrottle(), back.consoleThrottle());
        assertEquals(d.lastUsedStep(), back.lastUsedStep());
        assertArrayEquals(d.usedSteps(), back.usedSteps());
        assertEquals(d.tags(), back.tags());
        assertArrayEquals(d.sealedSeed(), back.sealedSeed());
        assertEquals(2, MfaCodecs.DEVICE.encode(d)[0], "version byte");
    }

    @Test
    void layoutOneRecordDecodesWithItsCountersAsTheApiLane() {
        // exactly what the layout-1 codec wrote
        BinaryWriter w = BinaryWriter.withVersion(1);
        w.writeString("GAHT00000001").writeString("HARDWARE").writeString("111111111111").writeString(null)
                .writeString(null).writeBytes(new byte[] {7}).writeInstant(T).writeString("root");
        w.writeBoolean(true).writeInstant(T);
        w.writeLong(1).writeLong(60_000_000L).writeStringMap(Map.of()).writeLong(60_000_005L).writeInt(4)
                .writeLong(1_800_000_030L).writeInt(1);
        DeviceRecord d = MfaCodecs.DEVICE.decode(w.toByteArray());
        assertEquals("GAHT00000001", d.serial());
        assertEquals(1, d.driftSteps());
        assertEquals(new ThrottleState(60_000_005L, 4, 1_800_000_030L, 1, new long[0]), d.apiThrottle());
        assertEquals(ThrottleState.NONE, d.consoleThrottle());
        assertEquals(0, d.usedSteps().length);
    }
}
