// Run by hand (not a test; it times things): java -cp gateway/target/dualkey.jar compat-tests/bench/cost/HttpDateCost.java
import dev.dualkey.gateway.http.HttpDates;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

/**
 * Thread CPU per Last-Modified value (issue 19, micro): the JDK's RFC 1123 formatter (the old code, which also wrote
 * a one-digit day) against HttpDates' IMF-fixdate, on distinct seconds as objects' Last-Modified values are.
 * Prints per round and the median of the rounds.
 */
public class HttpDateCost {
    public static void main(String[] a) {
        int n = a.length > 0 ? Integer.parseInt(a[0]) : 1_000_000;
        int rounds = a.length > 1 ? Integer.parseInt(a[1]) : 7;
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Instant base = Instant.parse("2026-12-05T07:01:02.345Z");
        double[] jdk = new double[rounds], ours = new double[rounds];
        long sink = 0;
        for (int r = 0; r < rounds; r++) {
            long t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                sink += DateTimeFormatter.RFC_1123_DATE_TIME.format(base.plusSeconds(i * 37L).atOffset(ZoneOffset.UTC))
                        .length();
            }
            long t1 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                sink += HttpDates.format(base.plusSeconds(i * 37L)).length();
            }
            long t2 = mx.getCurrentThreadCpuTime();
            jdk[r] = (t1 - t0) / (double) n;
            ours[r] = (t2 - t1) / (double) n;
            System.out.printf("round %d: RFC_1123_DATE_TIME %.0f ns, HttpDates %.0f ns%n", r + 1, jdk[r], ours[r]);
        }
        Arrays.sort(jdk);
        Arrays.sort(ours);
        System.out.printf("median: RFC_1123_DATE_TIME %.0f ns, HttpDates %.0f ns per value (%d values x %d rounds; %d)%n",
                jdk[rounds / 2], ours[rounds / 2], n, rounds, sink % 10);
    }
}
