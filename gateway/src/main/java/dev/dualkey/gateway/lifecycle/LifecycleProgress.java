package dev.dualkey.gateway.lifecycle;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where a bucket's pass stands, persisted after every page as the bucket sub-resource
 * {@value #SUBRESOURCE} (so it lives, and dies, with the bucket, and a restart resumes the pass where the last
 * page ended; re-processing the keys of a page that was cut short by a crash is harmless, because every action
 * is decided again on the key's current versions).
 *
 * <pre>
 *   document := "v1" SP phase SP b64(keyMarker) SP b64(uploadIdMarker)
 *   phase    := "versions" | "uploads"
 *   b64(x)   := URL-safe base64 of UTF-8 x without padding, "-" for none
 * </pre>
 *
 * @param phase          which listing the pass is in
 * @param keyMarker      the last key whose versions (or uploads) are done, or null from the start
 * @param uploadIdMarker in the uploads phase, the last upload of {@code keyMarker} done, or null
 */
record LifecycleProgress(Phase phase, String keyMarker, String uploadIdMarker) {
    /** The bucket sub-resource name of the cursor (not an S3 sub-resource: never served). */
    static final String SUBRESOURCE = "lifecycle-progress";

    enum Phase { VERSIONS, UPLOADS }

    static LifecycleProgress start() {
        return new LifecycleProgress(Phase.VERSIONS, null, null);
    }

    /** The stored progress, or a new pass when absent or unreadable. */
    static LifecycleProgress decode(String doc) {
        if (doc == null) {
            return start();
        }
        String[] p = doc.split(" ");
        if (p.length != 4 || !p[0].equals("v1")) {
            return start();
        }
        Phase phase = p[1].equals("uploads") ? Phase.UPLOADS : Phase.VERSIONS;
        return new LifecycleProgress(phase, unb64(p[2]), unb64(p[3]));
    }

    /** The versions phase continuing after {@code key}. */
    LifecycleProgress withKey(String key) {
        return new LifecycleProgress(Phase.VERSIONS, key, null);
    }

    String encode() {
        return "v1 " + (phase == Phase.UPLOADS ? "uploads" : "versions") + " " + b64(keyMarker) + " "
                + b64(uploadIdMarker);
    }

    private static String b64(String s) {
        return s == null ? "-" : Base64.getUrlEncoder().withoutPadding()
                .encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String s) {
        return s.equals("-") ? null : new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8);
    }
}
