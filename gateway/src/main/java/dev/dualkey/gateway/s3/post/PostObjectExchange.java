package dev.dualkey.gateway.s3.post;

import dev.dualkey.gateway.auth.AuthResult;
import dev.dualkey.gateway.auth.AwsUriEncoding;
import dev.dualkey.gateway.auth.Credential;
import dev.dualkey.gateway.auth.PayloadMode;
import dev.dualkey.gateway.auth.SigV4Signer;
import dev.dualkey.gateway.auth.SignatureInfo;
import dev.dualkey.gateway.auth.sigv2.SigV2Verifier;
import dev.dualkey.gateway.authz.Check;
import dev.dualkey.gateway.authz.RequestAuthorizer;
import dev.dualkey.gateway.authz.RequestContextBuilder;
import dev.dualkey.gateway.authz.RequestOrigin;
import dev.dualkey.gateway.authz.S3ConditionKeys;
import dev.dualkey.gateway.authz.Subject;
import dev.dualkey.gateway.http.Exchange;
import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.http.RequestHead;
import dev.dualkey.gateway.protect.ProtectedRequest;
import dev.dualkey.gateway.s3.ObjectHeaders;
import dev.dualkey.gateway.s3.S3Operation;
import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.UploadExchange;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.gateway.s3.policy.AnonymousAccess;
import dev.dualkey.gateway.s3.protect.S3Refusals;
import dev.dualkey.gateway.s3.xml.XmlWriter;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.model.ObjectVersion;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One POST Object upload in progress: the form's fields arrive first (parsed by {@link MultipartFormParser});
 * when the file part begins, {@link #fileStart} authenticates the form (SigV4 {@code x-amz-*} fields or SigV2
 * {@code AWSAccessKeyId}/{@code signature}, each signing the Base64 policy) and evaluates the policy, or takes a
 * form with no signature field and no policy as S3's anonymous principal {@code *} (nothing to evaluate; only a
 * grant to everyone allows it); then authorizes {@code s3:PutObject} on the expanded key and opens the writer
 * through PutObject's path ({@link UploadExchange}, the D9 overwrite check); the file then streams into it,
 * within the policy's {@code content-length-range}.
 * {@link #finish} commits and answers as {@code success_action_redirect} / {@code success_action_status} say.
 */
final class PostObjectExchange implements Exchange.Streaming, MultipartFormParser.Handler {
    /** Fields that carry the form's authentication, never stored as object headers. */
    private static final Set<String> AUTH_FIELDS = Set.of("x-amz-algorithm", "x-amz-credential", "x-amz-date",
            "x-amz-signature", "x-amz-security-token", "awsaccesskeyid", "signature", "policy");
    /** Form fields that become the object's headers, as PutObject reads them. */
    private static final Set<String> HEADER_FIELDS = Set.of("cache-control", "content-type", "content-disposition",
            "content-encoding", "expires");

    private final RequestHead head;
    private final String bucket;
    private final PostObjectEndpoint.Settings settings;
    private final MultipartFormParser parser;
    /** Field values by lower-case name; repeated fields joined by commas, as the policy sees them. */
    private final Map<String, String> fields = new LinkedHashMap<>();
    private final List<String> fieldOrder = new ArrayList<>();

    private String key;
    private PostPolicy policy;
    private UploadExchange<ObjectVersion> upload;
    private ObjectVersion committed;
    private long size;
    private boolean fileEnded;

    PostObjectExchange(RequestHead head, String bucket, String boundary, PostObjectEndpoint.Settings settings) {
        this.head = head;
        this.bucket = bucket;
        this.settings = settings;
        this.parser = new MultipartFormParser(boundary, this);
    }

    @Override
    public void onData(ByteBuffer data) {
        parser.feed(data);
    }

    @Override
    public void field(String name, String value) {
        String n = name.toLowerCase(Locale.ROOT);
        fields.merge(n, value, (a, b) -> a + "," + b);
        if (!fieldOrder.contains(n)) {
            fieldOrder.add(n);
        }
    }

    @Override
    public void fileStart(String filename) {
        String rawKey = fields.get("key");
        if (rawKey == null) {
            throw missingField("key");
        }
        String name = filename.substring(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1);
        key = rawKey.replace("${filename}", name);
        if (key.isEmpty()) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "User key must have a length greater than 0.")
                    .with("ArgumentName", "key").with("ArgumentValue", "");
        }
        Authenticated auth = authenticate();
        if (!auth.anonymous()) { // an anonymous form has no policy document to evaluate
            Map<String, String> seen = new LinkedHashMap<>(fields);
            seen.put("key", key);
            seen.put("bucket", bucket);
            policy.evaluate(settings.sigV4Clock().instant(), seen, fields.keySet());
        }
        openWriter(auth);
    }

    @Override
    public void fileData(ByteBuffer data) {
        size += data.remaining();
        if (size > policy.maxLength()) {
            throw new S3Exception(S3ErrorCode.ENTITY_TOO_LARGE, "Your proposed upload exceeds the maximum allowed size")
                    .with("MaxSizeAllowed", Long.toString(policy.maxLength()));
        }
        upload.onData(data);
    }

    @Override
    public void fileEnd() {
        fileEnded = true;
        if (size < policy.minLength()) {
            throw new S3Exception(S3ErrorCode.ENTITY_TOO_SMALL,
                    "Your proposed upload is smaller than the minimum allowed size")
                    .with("ProposedSize", Long.toString(size))
                    .with("MinSizeAllowed", Long.toString(policy.minLength()));
        }
    }

    @Override
    public Reply finish() {
        parser.finish();
        if (!fileEnded || upload == null) {
            throw MultipartFormParser.malformed();
        }
        upload.finish(); // commits (or throws: checksums, D9); sets committed
        UploadExchange<ObjectVersion> done = upload;
        upload = null;
        return answer(done == null ? null : committed);
    }

    @Override
    public void abort() {
        if (upload != null) {
            upload.abort();
            upload = null;
        }
    }

    /** Who signed the form, with what; both null for an anonymous form (no signature fields at all). */
    private record Authenticated(Credential credential, SignatureInfo signature) {
        static final Authenticated ANONYMOUS = new Authenticated(null, null);

        boolean anonymous() {
            return credential == null;
        }
    }

    private Authenticated authenticate() {
        boolean v4 = fields.containsKey("x-amz-algorithm") || fields.containsKey("x-amz-credential")
                || fields.containsKey("x-amz-signature") || fields.containsKey("x-amz-date");
        boolean v2 = fields.containsKey("awsaccesskeyid") || fields.containsKey("signature");
        if (v4 && v2) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Only one auth mechanism allowed; only the"
                    + " X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization"
                    + " header should be specified").with("ArgumentName", "Authorization");
        }
        if (!v4 && !v2) {
            // AWS (HTTPPOSTForms): AWSAccessKeyId and signature are "required when a policy document is included";
            // a session token is part of a signature too (AnonymousAccess: never anonymous).
            if (fields.containsKey("policy") || fields.containsKey("x-amz-security-token")) {
                throw missingField("AWSAccessKeyId");
            }
            // Anonymous POST: S3's principal "*", allowed only where a bucket policy or ACL grants s3:PutObject to
            // everyone, which the one authorizer decides in openWriter. No policy document: nothing constrains it.
            policy = PostPolicy.unconstrained();
            return Authenticated.ANONYMOUS;
        }
        String encodedPolicy = fields.get("policy");
        if (encodedPolicy == null) {
            throw missingField("policy");
        }
        Authenticated a = v4 ? verifyV4(encodedPolicy) : verifyV2(encodedPolicy);
        checkSessionToken(a.credential(), fields.get("x-amz-security-token"));
        policy = PostPolicy.parse(encodedPolicy);
        return a;
    }

    private Authenticated verifyV2(String encodedPolicy) {
        if (!settings.sigV2()) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST,
                    "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.");
        }
        String akid = require("awsaccesskeyid", "AWSAccessKeyId");
        String provided = require("signature", "Signature");
        Credential c = credential(akid);
        String expected = SigV2Verifier.sign(c.secretKey(), encodedPolicy);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                provided.getBytes(StandardCharsets.UTF_8))) {
            throw mismatch(akid, encodedPolicy, provided);
        }
        return new Authenticated(c, new SignatureInfo(akid, null, null, "s3", List.of(), provided, null, null,
                false, -1, "UNSIGNED-PAYLOAD", SignatureInfo.SIGV2));
    }

    private Authenticated verifyV4(String encodedPolicy) {
        String algorithm = require("x-amz-algorithm", "X-Amz-Algorithm");
        String credential = require("x-amz-credential", "X-Amz-Credential");
        String amzDate = require("x-amz-date", "X-Amz-Date");
        String provided = require("x-amz-signature", "X-Amz-Signature").toLowerCase(Locale.ROOT);
        if (!SigV4Signer.ALGORITHM.equals(algorithm)) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"")
                    .with("ArgumentName", "x-amz-algorithm").with("ArgumentValue", algorithm);
        }
        String[] scope = credential.split("/", -1);
        if (scope.length != 5 || scope[0].isEmpty() || !"s3".equals(scope[3]) || !"aws4_request".equals(scope[4])
                || !amzDate.startsWith(scope[1]) || scope[1].length() != 8
                || (settings.region() != null && !settings.region().equals(scope[2]))) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Invalid credential scope in x-amz-credential: "
                    + "expecting \"<YOUR-AKID>/YYYYMMDD/" + settings.region() + "/s3/aws4_request\" dated as"
                    + " x-amz-date").with("ArgumentName", "x-amz-credential").with("ArgumentValue", credential);
        }
        Credential c = credential(scope[0]);
        byte[] signingKey = SigV4Signer.signingKey(c.secretKey(), scope[1], scope[2], scope[3]);
        String expected = SigV4Signer.signature(signingKey, encodedPolicy);
        if (!SigV4Signer.signaturesEqual(expected, provided)) {
            throw mismatch(scope[0], encodedPolicy, provided);
        }
        return new Authenticated(c, new SignatureInfo(scope[0], scope[1], scope[2], scope[3], List.of(), provided,
                amzDate, null, false, -1, "UNSIGNED-PAYLOAD", SignatureInfo.SIGV4));
    }

    private Credential credential(String akid) {
        return settings.credentials().lookup(akid).filter(Credential::active)
                .orElseThrow(() -> new S3Exception(S3ErrorCode.INVALID_ACCESS_KEY_ID).with("AWSAccessKeyId", akid));
    }

    private static void checkSessionToken(Credential credential, String token) {
        Credential.SessionToken session = credential.session();
        if (session == null) {
            if (token != null) {
                throw new S3Exception(S3ErrorCode.INVALID_TOKEN);
            }
            return;
        }
        if (!session.matches(token)) {
            throw new S3Exception(S3ErrorCode.INVALID_TOKEN);
        }
        if (session.expired()) {
            throw new S3Exception(S3ErrorCode.EXPIRED_TOKEN);
        }
    }

    private static S3Exception mismatch(String akid, String stringToSign, String provided) {
        return new S3Exception(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH)
                .with("AWSAccessKeyId", akid)
                .with("StringToSign", stringToSign)
                .with("SignatureProvided", provided)
                .with("StringToSignBytes", SigV4Signer.hexBytes(stringToSign));
    }

    /** Authorizes s3:PutObject on the expanded key and opens the writer as PutObject does (D9 included). */
    private void openWriter(Authenticated auth) {
        HttpHeaders headers = new DefaultHttpHeaders();
        String host = head.header("Host");
        if (host != null) {
            headers.set("Host", host);
        }
        for (Map.Entry<String, String> f : fields.entrySet()) {
            String n = f.getKey();
            if (HEADER_FIELDS.contains(n) || (n.startsWith("x-amz-") && !AUTH_FIELDS.contains(n)
                    && !n.equals("x-amz-mfa"))) {
                headers.set(n, f.getValue());
            }
        }
        if (fields.containsKey("acl")) {
            headers.set("x-amz-acl", fields.get("acl"));
        }
        if (fields.containsKey("tagging")) {
            headers.set("x-amz-tagging", taggingHeader(fields.get("tagging")));
        }
        DefaultHttpRequest put = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT,
                "/" + bucket + "/" + AwsUriEncoding.encode(key, true), headers);
        RequestHead object = new RequestHead(head.requestId(), head.hostId(), put, head.secure(),
                head.auditAddress()); // with its proxies, if any (issue 18)
        // s3:authType is POST either way; an anonymous form has no s3:signatureversion (AWS leaves it out)
        RequestOrigin origin = new RequestOrigin(head.secure(), head.clientAddress(),
                auth.anonymous() ? null : auth.signature().version(), RequestOrigin.POST, null, null);
        Subject subject = auth.anonymous() ? Subject.anonymous() : Subject.of(auth.credential().principal());
        RequestContextBuilder context = RequestContextBuilder.of(subject, settings.policyClock())
                .origin(origin).s3Signature(origin).keys(S3ConditionKeys.of(S3Operation.PUT_OBJECT, object));
        RequestAuthorizer access = new RequestAuthorizer(settings.authorizer(), context);
        if (!access.allows(Check.object("s3:PutObject", bucket, key))) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
        }
        // anonymous: the same result (and so the same recorded owner) as an anonymous PutObject
        AuthResult result = auth.anonymous() ? AnonymousAccess.result(object)
                : new AuthResult(auth.credential().principal(), auth.credential().accessKeyId(), auth.signature(),
                null, PayloadMode.UNSIGNED);
        S3Request req = new S3Request(object, bucket, key, S3Operation.PUT_OBJECT, result, access);
        // the same composition as PutObject: owner and ACL under the bucket's Object Ownership, then tags and
        // Object Lock (the form's fields or the bucket's default retention), then the SSE attribute
        var store = settings.store();
        dev.dualkey.gateway.acl.WriteAcl acl = dev.dualkey.gateway.acl.WriteAcl.decide(req::header,
                req.principal().accountId(), store.headBucket(bucket), settings.canonicalIds());
        WriteOptions options = WriteOptions.defaults().withOwner(acl.ownerAccountId())
                .withChecksums(ObjectHeaders.requestedChecksums(req));
        var metadata = dev.dualkey.gateway.s3.lock.VersionAttributes.forNewObject(req, store,
                acl.applyTo(ObjectHeaders.metadata(req)), false);
        ProtectedRequest mfa = S3Refusals.request(req, settings.plainHttpMfa());
        ObjectWriter writer = store.newObjectWriter(bucket, key,
                dev.dualkey.gateway.s3.sse.ServerSideEncryption.markWrite(metadata, store), options,
                S3Refusals.asS3(settings.protect().overwriteCheck(mfa, key, "s3:PutObject"), mfa));
        upload = new UploadExchange<>(req, writer, ObjectHeaders.expectations(req, -1), v -> {
            committed = v;
            return Reply.status(200);
        });
    }

    /**
     * The {@code tagging} field ({@code <Tagging><TagSet><Tag><Key/><Value/></Tag>...}) as PutObject's
     * {@code x-amz-tagging} header ({@code k=v&k2=v2}, URL-encoded), so the form's tags take PutObject's path.
     */
    static String taggingHeader(String xml) {
        dev.dualkey.gateway.s3.xml.XmlElement root = dev.dualkey.gateway.s3.xml.XmlElement.parse(
                xml.getBytes(StandardCharsets.UTF_8));
        if (!root.name().equals("Tagging") || root.child("TagSet").isEmpty()) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        List<String> pairs = new ArrayList<>();
        for (dev.dualkey.gateway.s3.xml.XmlElement tag : root.child("TagSet").get().children("Tag")) {
            String k = tag.childText("Key").orElseThrow(() -> new S3Exception(S3ErrorCode.MALFORMED_XML));
            String v = tag.childText("Value").orElse("");
            pairs.add(enc(k) + "=" + enc(v));
        }
        return String.join("&", pairs);
    }

    /** The success answer: 303 to success_action_redirect, else success_action_status (204 by default). */
    private Reply answer(ObjectVersion v) {
        String location = objectUrl();
        String redirect = fields.containsKey("success_action_redirect") ? fields.get("success_action_redirect")
                : fields.get("redirect");
        Reply reply;
        URI target = redirect == null ? null : redirectTarget(redirect);
        if (target != null) {
            String sep = redirect.contains("?") ? "&" : "?";
            reply = Reply.status(303).header("Location", redirect + sep + "bucket=" + enc(bucket) + "&key="
                    + enc(key) + "&etag=" + enc(v.quotedEtag()));
        } else {
            String status = fields.getOrDefault("success_action_status", "204");
            switch (status) {
                case "200" -> reply = Reply.status(200);
                case "201" -> reply = Reply.status(201).body(XmlWriter.plain("PostResponse")
                        .element("Location", location).element("Bucket", bucket).element("Key", key)
                        .element("ETag", v.quotedEtag()).toBytes(), "application/xml");
                default -> reply = Reply.status(204);
            }
            reply.header("Location", location);
        }
        reply.header("ETag", v.quotedEtag());
        if (!v.isNullVersion()) {
            reply.header("x-amz-version-id", v.versionId());
        }
        return reply;
    }

    private String objectUrl() {
        String host = head.header("Host");
        String scheme = head.secure() ? "https" : "http";
        String path = "/" + AwsUriEncoding.encode(key, true);
        boolean vhost = dev.dualkey.gateway.s3.S3Address.virtualHostBucket(host, settings.domain()) != null;
        return scheme + "://" + (host == null ? "localhost" : host) + (vhost ? "" : "/" + bucket) + path;
    }

    /** An absolute http(s) URL S3 can redirect to, else null (S3 ignores a URL it cannot interpret). */
    private static URI redirectTarget(String url) {
        try {
            URI u = new URI(url);
            return u.isAbsolute() && ("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme()))
                    ? u : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private String require(String field, String wireName) {
        String v = fields.get(field);
        if (v == null) {
            throw missingField(wireName);
        }
        return v;
    }

    private static S3Exception missingField(String name) {
        return new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Bucket POST must contain a field named '" + name
                + "'.  If it is specified, please check the order of the fields.")
                .with("ArgumentName", name).with("ArgumentValue", "");
    }
}
