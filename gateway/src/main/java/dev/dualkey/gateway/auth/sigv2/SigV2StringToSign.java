package dev.dualkey.gateway.auth.sigv2;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The SigV2 string to sign (AWS, "Signing and authenticating REST requests (AWS signature version 2)"):
 *
 * <pre>
 * StringToSign = HTTP-Verb "\n" Content-MD5 "\n" Content-Type "\n" Date "\n" CanonicalizedAmzHeaders CanonicalizedResource
 * Date                    = the Date header; empty when x-amz-date is sent (it is then among the amz headers);
 *                           the Expires parameter for query (presigned) authentication
 * CanonicalizedAmzHeaders = for each x-amz-* header by lower-case name, sorted: name ":" values joined by "," "\n"
 * CanonicalizedResource   = ["/" bucket when virtual-hosted] the path as sent (not decoded; a path-style bucket
 *                           request "/bucket" is "/bucket/", as botocore and SDK v1 sign it)
 *                           ["?" sub-resources sorted by name, "name" or "name=value" (value decoded), joined by "&amp;"]
 * </pre>
 *
 * Which query parameters are sub-resources decides what a signature covers. {@link #SUB_RESOURCES} is AWS's list
 * plus every parameter botocore ({@code HmacV1Auth.QSAOfInterest}) and SDK v1 ({@code RestUtils.SIGNED_PARAMETERS})
 * sign, plus the sub-resources Dualkey dispatches on that neither client signs ({@code retention},
 * {@code legal-hold}, {@code attributes}, ...): a parameter that changes the operation must be signed, so a
 * SigV2 presigned URL cannot be turned into another operation by appending one (such a request fails its
 * signature instead: stricter than AWS).
 */
public final class SigV2StringToSign {
    /** The query parameters that belong to the canonicalized resource. */
    public static final Set<String> SUB_RESOURCES = Set.of(
            // AWS's documented list
            "acl", "lifecycle", "location", "logging", "notification", "partNumber", "policy", "requestPayment",
            "torrent", "uploadId", "uploads", "versionId", "versioning", "versions", "website", "delete", "cors",
            "tagging", "response-content-type", "response-content-language", "response-expires",
            "response-cache-control", "response-content-disposition", "response-content-encoding",
            // botocore and SDK v1 also sign these
            "accelerate", "defaultObjectAcl", "restore", "storageClass", "replication", "analytics", "metrics",
            "inventory", "select", "select-type", "object-lock",
            // sub-resources Dualkey routes on that no client signs (fail closed)
            "retention", "legal-hold", "attributes", "encryption", "ownershipControls", "publicAccessBlock",
            "policyStatus", "intelligent-tiering");

    private static final Pattern FOLD = Pattern.compile("\\s*\\r?\\n\\s*");

    private SigV2StringToSign() {
    }

    /**
     * @param dateOrExpires the Date header (empty when x-amz-date is sent) or, for query auth, Expires
     * @param amzHeaders    from {@link #amzHeaders}
     * @param resource      from {@link #canonicalResource}
     */
    public static String of(String method, String contentMd5, String contentType, String dateOrExpires,
                            Map<String, String> amzHeaders, String resource) {
        StringBuilder sb = new StringBuilder(128);
        sb.append(method).append('\n')
                .append(nullToEmpty(contentMd5).trim()).append('\n')
                .append(nullToEmpty(contentType).trim()).append('\n')
                .append(nullToEmpty(dateOrExpires).trim()).append('\n');
        amzHeaders.forEach((k, v) -> sb.append(k).append(':').append(v).append('\n'));
        return sb.append(resource).toString();
    }

    /**
     * The {@code x-amz-*} headers (and, for query auth, the {@code x-amz-*} query parameters a presigner moved
     * there, e.g. {@code x-amz-security-token}), by lower-case name in sorted order, each name's values trimmed,
     * unfolded and joined by commas.
     */
    public static TreeMap<String, String> amzHeaders(Map<String, List<String>> headers,
                                                     List<Map.Entry<String, String>> queryAmz) {
        TreeMap<String, List<String>> all = new TreeMap<>();
        headers.forEach((name, values) -> {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.startsWith("x-amz-")) {
                all.computeIfAbsent(n, x -> new ArrayList<>()).addAll(values);
            }
        });
        for (Map.Entry<String, String> e : queryAmz) {
            String n = e.getKey().toLowerCase(Locale.ROOT);
            if (n.startsWith("x-amz-")) {
                all.computeIfAbsent(n, x -> new ArrayList<>()).add(e.getValue());
            }
        }
        TreeMap<String, String> out = new TreeMap<>();
        all.forEach((k, v) -> out.put(k, String.join(",",
                v.stream().map(s -> FOLD.matcher(s.trim()).replaceAll(" ")).toList())));
        return out;
    }

    /**
     * @param virtualHostBucket the bucket named by the Host header (virtual-hosted style), or null
     * @param rawPath           the request path exactly as sent (still percent-encoded)
     * @param query             decoded query parameters in the order sent
     */
    public static String canonicalResource(String virtualHostBucket, String rawPath,
                                           List<Map.Entry<String, String>> query) {
        StringBuilder sb = new StringBuilder();
        if (virtualHostBucket != null) {
            sb.append('/').append(virtualHostBucket);
        }
        sb.append(rawPath.isEmpty() ? "/" : rawPath);
        if (virtualHostBucket == null && rawPath.length() > 1 && rawPath.indexOf('/', 1) < 0) {
            sb.append('/'); // a path-style bucket request: "/" bucket "/" as every client signs it
        }
        List<Map.Entry<String, String>> subs = new ArrayList<>();
        for (Map.Entry<String, String> e : query) {
            if (SUB_RESOURCES.contains(e.getKey())) {
                subs.add(e);
            }
        }
        if (!subs.isEmpty()) {
            subs.sort(Map.Entry.comparingByKey()); // stable: repeated names keep their order
            sb.append('?');
            for (int i = 0; i < subs.size(); i++) {
                if (i > 0) {
                    sb.append('&');
                }
                sb.append(subs.get(i).getKey());
                if (!subs.get(i).getValue().isEmpty()) {
                    sb.append('=').append(subs.get(i).getValue());
                }
            }
        }
        return sb.toString();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
