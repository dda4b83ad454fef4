package dev.dualkey.gateway.s3.xml;

import dev.dualkey.gateway.auth.AwsUriEncoding;
import dev.dualkey.gateway.identity.CanonicalIds;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Run by hand, not a test (it times things): the StAX writer ({@link StaxReferenceWriter}) against
 * {@link XmlWriter} on 1000-entry listing documents (and {@code AwsUriEncoding.encode} against
 * {@link EncodingType} for {@code encoding-type=url}), in alternating rounds of one JVM, thread CPU per document,
 * medians (issue 19). After {@code mvn -o -q -pl gateway -am test-compile}:
 *
 * <pre>
 * java -cp gateway/target/classes:gateway/target/test-classes dev.dualkey.gateway.s3.xml.XmlWriterBench [rounds]
 * </pre>
 */
public final class XmlWriterBench {
    private static final Instant T = Instant.parse("2026-12-02T16:33:12.345Z");
    private static final String[] KEYS = new String[1000];

    static {
        for (int i = 0; i < KEYS.length; i++) {
            KEYS[i] = "photos/2026/12/" + (i % 7 == 0 ? "caf\u00e9 & cr\u00e8me " : "img_") + (100_000 + i) + ".jpg";
        }
    }

    private XmlWriterBench() {
    }

    /** A ListObjectVersions page as {@code ListOperations} writes it (the shape of {@code XmlCost.java}). */
    static byte[] versionsNew() {
        XmlWriter w = XmlWriter.s3("ListVersionsResult").element("Name", "lvbench").element("Prefix", "")
                .element("KeyMarker", "").element("VersionIdMarker", "").element("MaxKeys", 1000)
                .element("IsTruncated", true);
        for (int i = 0; i < 1000; i++) {
            w.start("Version").element("Key", KEYS[i]).element("VersionId", "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY" + i)
                    .element("IsLatest", i % 30 == 0).element("LastModified", T.plusMillis(i))
                    .element("ETag", "\"d41d8cd98f00b204e9800998ecf8427e\"").element("Size", 1L + i)
                    .element("StorageClass", "STANDARD")
                    .start("Owner").element("ID", CanonicalIds.of("111122223333"))
                    .element("DisplayName", "111122223333").end().end();
        }
        return w.toBytes();
    }

    static byte[] versionsOld() {
        StaxReferenceWriter w = StaxReferenceWriter.s3("ListVersionsResult").element("Name", "lvbench")
                .element("Prefix", "").element("KeyMarker", "").element("VersionIdMarker", "")
                .element("MaxKeys", 1000).element("IsTruncated", true);
        for (int i = 0; i < 1000; i++) {
            w.start("Version").element("Key", KEYS[i]).element("VersionId", "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY" + i)
                    .element("IsLatest", i % 30 == 0).element("LastModified", T.plusMillis(i))
                    .element("ETag", "\"d41d8cd98f00b204e9800998ecf8427e\"").element("Size", 1L + i)
                    .element("StorageClass", "STANDARD")
                    .start("Owner").element("ID", CanonicalIds.of("111122223333"))
                    .element("DisplayName", "111122223333").end().end();
        }
        return w.toBytes();
    }

    /** {@link #versionsNew} with {@code encoding-type=url}, as botocore lists: keys through {@link EncodingType}. */
    static byte[] versionsUrlNew() {
        EncodingType url = EncodingType.of("url");
        XmlWriter w = XmlWriter.s3("ListVersionsResult").element("Name", "lvbench").element("Prefix", "")
                .element("KeyMarker", "").element("VersionIdMarker", "").element("MaxKeys", 1000)
                .element("IsTruncated", true).element("EncodingType", "url");
        for (int i = 0; i < 1000; i++) {
            w.start("Version").element("Key", url.apply(KEYS[i]))
                    .element("VersionId", "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY" + i)
                    .element("IsLatest", i % 30 == 0).element("LastModified", T.plusMillis(i))
                    .element("ETag", "\"d41d8cd98f00b204e9800998ecf8427e\"").element("Size", 1L + i)
                    .element("StorageClass", "STANDARD")
                    .start("Owner").element("ID", CanonicalIds.of("111122223333"))
                    .element("DisplayName", "111122223333").end().end();
        }
        return w.toBytes();
    }

    /** The same before: StAX, keys through {@code AwsUriEncoding.encode}. */
    static byte[] versionsUrlOld() {
        StaxReferenceWriter w = StaxReferenceWriter.s3("ListVersionsResult").element("Name", "lvbench")
                .element("Prefix", "").element("KeyMarker", "").element("VersionIdMarker", "")
                .element("MaxKeys", 1000).element("IsTruncated", true).element("EncodingType", "url");
        for (int i = 0; i < 1000; i++) {
            w.start("Version").element("Key", AwsUriEncoding.encode(KEYS[i], true))
                    .element("VersionId", "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY" + i)
                    .element("IsLatest", i % 30 == 0).element("LastModified", T.plusMillis(i))
                    .element("ETag", "\"d41d8cd98f00b204e9800998ecf8427e\"").element("Size", 1L + i)
                    .element("StorageClass", "STANDARD")
                    .start("Owner").element("ID", CanonicalIds.of("111122223333"))
                    .element("DisplayName", "111122223333").end().end();
        }
        return w.toBytes();
    }

    /** Only the keys' url encoding of such a page: {@code AwsUriEncoding.encode} against {@link EncodingType}. */
    static byte[] urlKeysOld() {
        int n = 0;
        for (String k : KEYS) {
            n += AwsUriEncoding.encode(k, true).length();
        }
        return new byte[n & 1];
    }

    static byte[] urlKeysNew() {
        EncodingType url = EncodingType.of("url");
        int n = 0;
        for (String k : KEYS) {
            n += url.apply(k).length();
        }
        return new byte[n & 1];
    }

    /** A ListObjectsV2 page without owners. */
    static byte[] objectsNew() {
        XmlWriter w = XmlWriter.s3("ListBucketResult").element("Name", "lvbench").element("Prefix", "")
                .element("MaxKeys", 1000).element("KeyCount", 1000).element("IsTruncated", true);
        for (int i = 0; i < 1000; i++) {
            w.start("Contents").element("Key", KEYS[i]).element("LastModified", T.plusMillis(i))
                    .element("ETag", "\"d41d8cd98f00b204e9800998ecf8427e\"").element("Size", 1L + i)
                    .element("StorageClass", "STANDARD").end();
        }
        return w.toBytes();
    }

    static byte[] objectsOld() {
        StaxReferenceWriter w = StaxReferenceWriter.s3("ListBucketResult").element("Name", "lvbench")
                .element("Prefix", "").element("MaxKeys", 1000).element("KeyCount", 1000)
                .element("IsTruncated", true);
        for (int i = 0; i < 1000; i++) {
            w.start("Contents").element("Key", KEYS[i]).element("LastModified", T.plusMillis(i))
                    .element("ETag", "\"d41d8cd98f00b204e9800998ecf8427e\"").element("Size", 1L + i)
                    .element("StorageClass", "STANDARD").end();
        }
        return w.toBytes();
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        if (!Arrays.equals(versionsOld(), versionsNew()) || !Arrays.equals(objectsOld(), objectsNew())) {
            throw new AssertionError("the writers disagree");
        }
        compare("ListObjectVersions, 1000 versions", XmlWriterBench::versionsOld, XmlWriterBench::versionsNew, rounds);
        compare("ListObjectsV2, 1000 keys", XmlWriterBench::objectsOld, XmlWriterBench::objectsNew, rounds);
        if (!Arrays.equals(versionsUrlOld(), versionsUrlNew())) {
            throw new AssertionError("the url-encoded pages disagree");
        }
        compare("ListObjectVersions, 1000 versions, encoding-type=url", XmlWriterBench::versionsUrlOld,
                XmlWriterBench::versionsUrlNew, rounds);
        compare("url encoding of those 1000 keys alone", XmlWriterBench::urlKeysOld, XmlWriterBench::urlKeysNew,
                rounds);
    }

    private static void compare(String what, Supplier<byte[]> old, Supplier<byte[]> neu, int rounds) {
        for (int i = 0; i < 5; i++) { // warm-up: let the JIT finish both
            run(old, 200);
            run(neu, 200);
        }
        double[][] cpu = new double[2][rounds];
        double[][] alloc = new double[2][rounds];
        for (int r = 0; r < rounds; r++) {
            double[] o = run(old, 100);
            double[] n = run(neu, 100);
            cpu[0][r] = o[0];
            alloc[0][r] = o[1];
            cpu[1][r] = n[0];
            alloc[1][r] = n[1];
        }
        double co = median(cpu[0]);
        double cn = median(cpu[1]);
        int bytes = neu.get().length;
        System.out.printf("%s%s, %d rounds of 100 each, alternating%n", what, bytes > 1 ? " (" + bytes + " bytes)" : "",
                rounds);
        System.out.printf("  old  median %.3f ms CPU/page (min %.3f, max %.3f), %.0f KB allocated/page%n",
                co, min(cpu[0]), max(cpu[0]), median(alloc[0]) / 1024);
        System.out.printf("  new  median %.3f ms CPU/page (min %.3f, max %.3f), %.0f KB allocated/page%n",
                cn, min(cpu[1]), max(cpu[1]), median(alloc[1]) / 1024);
        System.out.printf("  new/old %.2f%n", cn / co);
    }

    /** {thread CPU ms per document, bytes allocated per document}. */
    private static double[] run(Supplier<byte[]> doc, int n) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long sink = 0;
        long a0 = mx.getThreadAllocatedBytes(id);
        long t0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            sink += doc.get().length;
        }
        long t1 = mx.getCurrentThreadCpuTime();
        long a1 = mx.getThreadAllocatedBytes(id);
        if (sink == 42) {
            System.out.print("");
        }
        return new double[] {(t1 - t0) / 1e6 / n, (double) (a1 - a0) / n};
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(0);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(0);
    }
}
