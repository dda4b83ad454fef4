// Run by hand (not a test; it times things): java -cp gateway/target/dualkey.jar compat-tests/bench/cost/VerifyCost.java
import dev.dualkey.gateway.auth.*;
import java.lang.management.ManagementFactory;
import java.time.*;
import java.util.*;

/** Thread CPU per call: full SigV4 verification vs confirming the event loop's proof (issue 19, micro). */
public class VerifyCost {
    public static void main(String[] a) throws Exception {
        String ak = "AKIABENCHMARK0000001", sk = "benchSecretKey0000000000000000000000000000";
        Instant now = Instant.now();
        String amz = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(now);
        String day = amz.substring(0, 8);
        String scope = day + "/us-east-1/s3/aws4_request";
        String path = "/cost/p/000123456";
        List<Map.Entry<String, String>> q = new ArrayList<>(List.of(
            Map.entry("X-Amz-Algorithm", "AWS4-HMAC-SHA256"), Map.entry("X-Amz-Credential", ak + "/" + scope),
            Map.entry("X-Amz-Date", amz), Map.entry("X-Amz-Expires", "86400"), Map.entry("X-Amz-SignedHeaders", "host")));
        Map<String, List<String>> h = new LinkedHashMap<>();
        h.put("host", List.of("127.0.0.1:9000")); h.put("content-length", List.of("4096"));
        h.put("user-agent", List.of("wrk")); h.put("accept", List.of("*/*"));
        String canonical = SigV4Signer.canonicalRequest("PUT", SigV4Signer.canonicalUri(path), SigV4Signer.canonicalQuery(q),
            SigV4Signer.canonicalHeaders(h, List.of("host")), List.of("host"), "UNSIGNED-PAYLOAD");
        String sts = SigV4Signer.stringToSign(amz, scope, canonical);
        String sig = SigV4Signer.signature(SigV4Signer.signingKey(sk, day, "us-east-1", "s3"), sts);
        q.add(Map.entry("X-Amz-Signature", sig));
        SignableRequest req = new SignableRequest("PUT", path, q, h);
        Credential c = new Credential(ak, sk, Principal.root("111122223333"), true);
        CredentialProvider p = id -> Optional.of(c);
        SigV4Verifier loop = new SigV4Verifier(p, Clock.systemUTC(), "s3", "us-east-1");
        SigV4Verifier begin = new SigV4Verifier(p, Clock.systemUTC(), "s3", "us-east-1");
        VerifiedHead proof = loop.verifyHead(req);
        var mx = ManagementFactory.getThreadMXBean();
        int n = 200_000;
        for (int round = 0; round < 6; round++) {
            long t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) begin.verify(req, null);
            long t1 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) begin.verify(req, null, proof);
            long t2 = mx.getCurrentThreadCpuTime();
            System.out.printf("round %d: full verify %.2f us, confirm %.2f us (thread CPU per call)%n", round,
                (t1 - t0) / 1e3 / n, (t2 - t1) / 1e3 / n);
        }
    }
}
