package dev.dualkey.compat.access;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.mfadelete.Iam;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.CreateAccessKeyResponse;

/** Helpers of the access tests over an {@link MfaDeleteServer} (two accounts, IAM, STS, MFA devices). */
final class AccessServer {
    private AccessServer() {
    }

    /** An IAM user: its name, ARN and access key. */
    record User(String name, String arn, AccessKey key) {
    }

    /** A new IAM user of account {@code accountId} (whose root key is {@code rootKey}), with one inline policy. */
    static User user(GatewayEndpoint gw, AccessKey rootKey, String accountId, String policy) {
        try (IamClient iam = Iam.client(gw, rootKey)) {
            String name = "acc-" + UUID.randomUUID().toString().substring(0, 8);
            iam.createUser(b -> b.userName(name));
            if (policy != null) {
                iam.putUserPolicy(b -> b.userName(name).policyName("p").policyDocument(policy));
            }
            CreateAccessKeyResponse k = iam.createAccessKey(b -> b.userName(name));
            return new User(name, "arn:aws:iam::" + accountId + ":user/" + name,
                    new AccessKey(k.accessKey().accessKeyId(), k.accessKey().secretAccessKey()));
        }
    }

    /** An unsigned request, as a browser or {@code curl} without credentials sends it. */
    static HttpResponse<String> anonymous(String method, URI uri) {
        try {
            HttpClient http = HttpClient.newHttpClient();
            return http.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String policy(String... statements) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[" + String.join(",", statements) + "]}";
    }

    /** Public read of every object of {@code bucket}. */
    static String publicRead(String bucket) {
        return policy("{\"Sid\":\"PublicRead\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                + "\"Resource\":\"arn:aws:s3:::" + bucket + "/*\"}");
    }

    /** Read (GetObject, ListBucket) for {@code principalJson} (e.g. {@code {"AWS":"2222..."}}). */
    static String readFor(String bucket, String principalJson) {
        return policy("{\"Sid\":\"Read\",\"Effect\":\"Allow\",\"Principal\":" + principalJson + ","
                + "\"Action\":[\"s3:GetObject\",\"s3:ListBucket\"],\"Resource\":[\"arn:aws:s3:::" + bucket + "\","
                + "\"arn:aws:s3:::" + bucket + "/*\"]}");
    }
}
