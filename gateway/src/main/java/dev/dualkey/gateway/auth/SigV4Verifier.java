package dev.dualkey.gateway.auth;

import dev.dualkey.gateway.auth.sigv2.SigV2Verifier;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies a SigV4-signed request for one service ({@code s3}, later {@code iam}): clock rules first (15-minute
 * skew for header auth, expiry for presigned URLs), then the access key, then the signature in constant time.
 * A mismatch answers SignatureDoesNotMatch with the string to sign and canonical request, as S3 does, so
 * clients can debug their signer.
 */
public final class SigV4Verifier {
    /** S3's allowed difference between the request time and the server clock. */
    public static final Duration MAX_SKEW = Duration.ofMinutes(15);

    /** Bound of the signing-key cache; reaching it empties the cache (keys change once a day per access key). */
    private static final int MAX_CACHED_KEYS = 4096;

    private final CredentialProvider credentials;
    /**
     * Derived signing keys by {@code akid/date/region/service}: four HMACs saved per request. Each entry keeps
     * the secret it was derived from and is used only while the looked-up secret is still equal (compared in
     * constant time), so a rotated or replaced secret never meets a stale key.
     */
    private final ConcurrentHashMap<String, CachedKey> signingKeys = new ConcurrentHashMap<>();
    private final Clock clock;
    private final String service;
    /** The one region a credential scope may name, or null to accept any (IAM, a global service). */
    private final String region;
    /** Signature Version 2 for S3 requests that claim it, or null (SigV4 only: IAM, STS, {@code --no-sigv2}). */
    private final SigV2Verifier sigV2;

    /** A verifier that accepts a credential scope of any region (IAM: clients sign it for their own region). */
    public SigV4Verifier(CredentialProvider credentials, Clock clock, String service) {
        this(credentials, clock, service, null);
    }

    /**
     * @param region the server's region ({@code --region}); a scope naming another is refused as S3 does, so
     *               a signature made for another deployment or region is never accepted here
     */
    public SigV4Verifier(CredentialProvider credentials, Clock clock, String service, String region) {
        this(credentials, clock, service, region, null);
    }

    private SigV4Verifier(CredentialProvider credentials, Clock clock, String service, String region,
                          SigV2Verifier sigV2) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.service = Objects.requireNonNull(service, "service");
        this.region = region;
        this.sigV2 = sigV2;
    }

    /**
     * This verifier that also accepts S3's Signature Version 2 (header and query auth) with the same credentials
     * and clock; only for the S3 endpoint (AWS requires SigV4 for IAM and STS).
     *
     * @param domain the virtual-hosted-style domain, whose bucket SigV2's canonical resource names
     */
    public SigV4Verifier withSigV2(String domain) {
        if (!"s3".equals(service)) {
            throw new IllegalStateException("Signature Version 2 is S3's only, not " + service + "'s");
        }
        return new SigV4Verifier(credentials, clock, service, region, new SigV2Verifier(credentials, clock, domain));
    }

    /**
     * @param bodySha256Hex hex SHA-256 of an already aggregated body, used when the request carries no
     *                      {@code x-amz-content-sha256} (the IAM Query API); null otherwise
     * @throws S3Exception AccessDenied (anonymous, expired), RequestTimeTooSkewed, InvalidAccessKeyId,
     *                     SignatureDoesNotMatch, AuthorizationHeaderMalformed, ...
     */
    public AuthResult verify(SignableRequest req, String bodySha256Hex) {
        if (sigV2 != null && SigV2Verifier.claims(req)) {
            return sigV2.verify(req);
        }
        return verifyV4(req, bodySha256Hex).result();
    }

    /**
     * Verifies a request head on the event loop (a verifier over credentials held in memory) and returns the
     * proof {@link #verify(SignableRequest, String, VerifiedHead)} confirms later, or null for a request signed
     * with Signature Version 2 (verified here all the same; it is verified in full again later).
     *
     * @throws S3Exception as {@link #verify(SignableRequest, String)}; with {@code bodySha256Hex} null
     */
    public VerifiedHead verifyHead(SignableRequest req) {
        if (sigV2 != null && SigV2Verifier.claims(req)) {
            sigV2.verify(req);
            return null;
        }
        Verified v = verifyV4(req, null);
        return new VerifiedHead(req, service, region, v.credential(), v.result());
    }

    /**
     * As {@link #verify(SignableRequest, String)}, reusing the signature check of {@code earlier} (made by a
     * verifier of the same service and region for this very request) when the store still holds the same secret
     * for the key: the key is looked up and must be active, the clock rules and the session token are checked
     * again, only the canonical request and the HMAC chain are not computed a second time. Without a usable proof
     * (null, another request, another scope, a changed secret, a SigV2 request) this is a full verification.
     */
    public AuthResult verify(SignableRequest req, String bodySha256Hex, VerifiedHead earlier) {
        if (earlier == null || earlier.request() != req || !service.equals(earlier.service())
                || !Objects.equals(region, earlier.region())
                || (sigV2 != null && SigV2Verifier.claims(req))) {
            return verify(req, bodySha256Hex);
        }
        SignatureInfo sig = earlier.result().signature();
        checkTime(sig);
        Credential credential = credentials.lookup(sig.accessKeyId()).filter(Credential::active)
                .orElseThrow(() -> new S3Exception(S3ErrorCode.INVALID_ACCESS_KEY_ID)
                        .with("AWSAccessKeyId", sig.accessKeyId()));
        checkSessionToken(req, sig, credential);
        if (!credential.accessKeyId().equals(earlier.credential().accessKeyId())
                || !MessageDigest.isEqual(credential.secretKey().getBytes(StandardCharsets.UTF_8),
                        earlier.credential().secretKey().getBytes(StandardCharsets.UTF_8))) {
            return verify(req, bodySha256Hex); // the secret changed since the head was checked: check again
        }
        AuthResult proven = earlier.result();
        return new AuthResult(credential.principal(), credential.accessKeyId(), sig, proven.signingKey().clone(),
                proven.payloadMode());
    }

    private record Verified(Credential credential, AuthResult result) {
    }

    private Verified verifyV4(SignableRequest req, String bodySha256Hex) {
        Optional<SignatureInfo> parsed = SigV4Parser.parse(req);
        if (parsed.isEmpty()) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED, "Access Denied");
        }
        SignatureInfo sig = parsed.get();
        checkScope(sig);
        checkAllHeadersSigned(req, sig);
        checkTime(sig);
        Credential credential = credentials.lookup(sig.accessKeyId()).filter(Credential::active)
                .orElseThrow(() -> new S3Exception(S3ErrorCode.INVALID_ACCESS_KEY_ID)
                        .with("AWSAccessKeyId", sig.accessKeyId()));
        checkSessionToken(req, sig, credential);
        String payloadHash = sig.payloadHash();
        if (payloadHash == null) {
            if (bodySha256Hex == null) {
                throw new S3Exception(S3ErrorCode.INVALID_REQUEST,
                        "Missing required header for this request: x-amz-content-sha256");
            }
            payloadHash = bodySha256Hex;
        }
        // Presigned requests too: a hash the signer put in the query (or a signed header) binds the body.
        PayloadMode mode = PayloadMode.of(payloadHash);
        String canonicalRequest = SigV4Signer.canonicalRequest(req.method(), SigV4Signer.canonicalUri(req.rawPath()),
                SigV4Signer.canonicalQuery(req.query()), SigV4Signer.canonicalHeaders(req.headers(),
                        sig.signedHeaders()), sig.signedHeaders(), payloadHash);
        String stringToSign = SigV4Signer.stringToSign(sig.amzDate(), sig.scope(), canonicalRequest);
        byte[] key = signingKey(credential, sig);
        String expected = SigV4Signer.signature(key, stringToSign);
        if (!SigV4Signer.signaturesEqual(expected, sig.signature())) {
            throw new S3Exception(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH)
                    .with("AWSAccessKeyId", sig.accessKeyId())
                    .with("StringToSign", stringToSign)
                    .with("SignatureProvided", sig.signature())
                    .with("StringToSignBytes", SigV4Signer.hexBytes(stringToSign))
                    .with("CanonicalRequest", canonicalRequest)
                    .with("CanonicalRequestBytes", SigV4Signer.hexBytes(canonicalRequest));
        }
        return new Verified(credential, new AuthResult(credential.principal(), credential.accessKeyId(), sig, key,
                mode));
    }

    /**
     * Temporary credentials need their session token: {@code x-amz-security-token} among the signed headers
     * (header auth) or {@code X-Amz-Security-Token} in the presigned query, equal to the session's (compared as
     * SHA-256 digests in constant time). A missing, unsigned or wrong token is InvalidToken, an expired session
     * ExpiredToken; a token sent with a long-term key is InvalidToken too, as on AWS.
     */
    private static void checkSessionToken(SignableRequest req, SignatureInfo sig, Credential credential) {
        String token = sig.presigned() ? req.queryParam("X-Amz-Security-Token")
                : req.header("x-amz-security-token");
        Credential.SessionToken session = credential.session();
        if (session == null) {
            if (token != null) {
                throw new S3Exception(S3ErrorCode.INVALID_TOKEN);
            }
            return;
        }
        boolean signed = sig.presigned() || sig.signedHeaders().contains("x-amz-security-token");
        if (!signed || !session.matches(token)) {
            throw new S3Exception(S3ErrorCode.INVALID_TOKEN);
        }
        if (session.expired()) {
            throw new S3Exception(S3ErrorCode.EXPIRED_TOKEN);
        }
    }

    /**
     * {@code host} and every {@code x-amz-*} header present must be signed (S3's rule, both for header auth and
     * presigned URLs): an unsigned one could be added or changed by anyone who sees the request, e.g. an
     * {@code x-amz-copy-source}, {@code x-amz-mfa} or {@code x-amz-acl} attached to a presigned URL, or a request
     * signed without {@code host} replayed against another bucket under a virtual-hosted domain.
     */
    private static void checkAllHeadersSigned(SignableRequest req, SignatureInfo sig) {
        java.util.Set<String> signed = java.util.Set.copyOf(sig.signedHeaders());
        java.util.List<String> unsigned = new java.util.ArrayList<>();
        if (!signed.contains("host")) {
            unsigned.add("host");
        }
        for (String name : req.headers().keySet()) {
            if (name.startsWith("x-amz-") && !signed.contains(name)) {
                unsigned.add(name);
            }
        }
        if (!unsigned.isEmpty()) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED,
                    "There were headers present in the request which were not signed")
                    .with("HeadersNotSigned", String.join(", ", unsigned));
        }
    }

    /** The scope's service must be this endpoint's and, when one is configured, its region the server's. */
    private void checkScope(SignatureInfo sig) {
        if (!service.equals(sig.service())) {
            String detail = "incorrect service \"" + sig.service() + "\". This endpoint belongs to \"" + service
                    + "\".";
            throw sig.presigned()
                    ? new S3Exception(S3ErrorCode.AUTHORIZATION_QUERY_PARAMETERS_ERROR,
                            "Error parsing the X-Amz-Credential parameter; " + detail)
                    : new S3Exception(S3ErrorCode.AUTHORIZATION_HEADER_MALFORMED,
                            "The authorization header is malformed; " + detail);
        }
        if (region != null && !region.equals(sig.region())) {
            String detail = "the region '" + sig.region() + "' is wrong; expecting '" + region + "'";
            throw (sig.presigned()
                    ? new S3Exception(S3ErrorCode.AUTHORIZATION_QUERY_PARAMETERS_ERROR,
                            "Error parsing the X-Amz-Credential parameter; " + detail)
                    : new S3Exception(S3ErrorCode.AUTHORIZATION_HEADER_MALFORMED,
                            "The authorization header is malformed; " + detail))
                    .with("Region", region);
        }
    }

    private byte[] signingKey(Credential credential, SignatureInfo sig) {
        String id = sig.accessKeyId() + '/' + sig.scope();
        byte[] secret = credential.secretKey().getBytes(StandardCharsets.UTF_8);
        CachedKey cached = signingKeys.get(id);
        if (cached != null && MessageDigest.isEqual(cached.secret(), secret)) {
            return cached.key().clone();
        }
        byte[] key = SigV4Signer.signingKey(credential.secretKey(), sig.date(), sig.region(), sig.service());
        if (signingKeys.size() >= MAX_CACHED_KEYS) {
            signingKeys.clear();
        }
        signingKeys.put(id, new CachedKey(secret, key.clone()));
        return key;
    }

    private record CachedKey(byte[] secret, byte[] key) {
    }

    private void checkTime(SignatureInfo sig) {
        Instant now = clock.instant();
        if (sig.presigned()) {
            if (sig.requestTime().isAfter(now.plus(MAX_SKEW))) {
                throw new S3Exception(S3ErrorCode.ACCESS_DENIED, "Request is not valid yet");
            }
            Instant expires = sig.requestTime().plusSeconds(sig.expiresSeconds());
            if (now.isAfter(expires)) {
                throw new S3Exception(S3ErrorCode.ACCESS_DENIED, "Request has expired")
                        .with("X-Amz-Expires", Long.toString(sig.expiresSeconds()))
                        .with("Expires", DateTimeFormatter.ISO_INSTANT.format(expires))
                        .with("ServerTime", DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
            }
            return;
        }
        Duration skew = Duration.between(sig.requestTime(), now).abs();
        if (skew.compareTo(MAX_SKEW) > 0) {
            throw new S3Exception(S3ErrorCode.REQUEST_TIME_TOO_SKEWED)
                    .with("RequestTime", sig.amzDate())
                    .with("ServerTime", DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))
                    .with("MaxAllowedSkewMilliseconds", Long.toString(MAX_SKEW.toMillis()));
        }
    }
}
