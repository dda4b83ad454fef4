// Run by hand (not a test; it times things): java -cp gateway/target/dualkey.jar compat-tests/bench/cost/XmlCost.java
import dev.dualkey.gateway.s3.xml.XmlWriter;
import dev.dualkey.gateway.identity.CanonicalIds;
import java.lang.management.ManagementFactory;
import java.time.Instant;

/** Thread CPU per ListObjectVersions-shaped document of 1000 versions (issue 19, micro). */
public class XmlCost {
    static byte[] page() {
        XmlWriter w = XmlWriter.s3("ListVersionsResult").element("Name", "lvbench").element("Prefix", "")
                .element("KeyMarker", "").element("MaxKeys", 1000).element("IsTruncated", true);
        Instant t = Instant.parse("2026-12-02T16:33:12.345Z");
        for (int i = 0; i < 1000; i++) {
            w.start("Version").element("Key", "k%2F" + (1000 + i % 1000)).element("VersionId", "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY" + i)
                    .element("IsLatest", i % 30 == 0).element("LastModified", t.plusMillis(i))
                    .element("ETag", "\"d41d8cd98f00b204e9800998ecf8427e\"").element("Size", 1L)
                    .element("StorageClass", "STANDARD")
                    .start("Owner").element("ID", CanonicalIds.of("111122223333")).element("DisplayName", "111122223333")
                    .end().end();
        }
        return w.toBytes();
    }

    public static void main(String[] a) {
        var mx = ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int round = 0; round < 8; round++) {
            int n = 300;
            long t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) sink += page().length;
            long t1 = mx.getCurrentThreadCpuTime();
            System.out.printf("round %d: %.3f ms thread CPU per 1000-version document (%d bytes)%n", round, (t1 - t0) / 1e6 / n, sink / ((round + 1L) * n));
        }
    }
}
