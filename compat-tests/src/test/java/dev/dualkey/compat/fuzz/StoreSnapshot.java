package dev.dualkey.compat.fuzz;

import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.GetBucketVersioningResponse;

/**
 * What the fuzzer must not change without a valid request, read through the SDK as root: every version and
 * delete marker of the MFA Delete bucket (with its ETag), that bucket's versioning and MFA Delete state, and
 * root's access keys and MFA devices.
 *
 * @param versions   {@code key|versionId|etag} and {@code key|versionId|marker} of the MFA Delete bucket
 * @param versioning {@code status/mfaDelete} of that bucket
 * @param rootIam    root's access keys ({@code id status}) and MFA devices ({@code mfa serial})
 */
record StoreSnapshot(Set<String> versions, String versioning, Set<String> rootIam) {

    static StoreSnapshot take(S3Client s3, IamClient iam, String mfaBucket) {
        Set<String> versions = new TreeSet<>();
        // encoding-type=url: fuzzed keys hold characters XML 1.0 cannot carry (NUL, control characters)
        s3.listObjectVersionsPaginator(b -> b.bucket(mfaBucket).encodingType(EncodingType.URL)).forEach(page -> {
            page.versions().forEach(v -> versions.add(v.key() + "|" + v.versionId() + "|" + v.eTag()));
            page.deleteMarkers().forEach(d -> versions.add(d.key() + "|" + d.versionId() + "|marker"));
        });
        GetBucketVersioningResponse v = s3.getBucketVersioning(b -> b.bucket(mfaBucket));
        Set<String> root = new TreeSet<>();
        iam.listAccessKeys().accessKeyMetadata().forEach(k -> root.add(k.accessKeyId() + " " + k.statusAsString()));
        iam.listMFADevices().mfaDevices().forEach(d -> root.add("mfa " + d.serialNumber()));
        return new StoreSnapshot(versions, v.statusAsString() + "/" + v.mfaDeleteAsString(), root);
    }

    /**
     * Why {@code after} is not a state this snapshot can reach by what a fuzzed request may do, or null when it
     * is: versions of the MFA Delete bucket are only ever added (none removed, none replaced), its versioning
     * state is unchanged (every change needs a code the fuzzer never has), and root's keys and devices change
     * only if an IAM or STS request of the batch succeeded.
     */
    String violation(StoreSnapshot after, boolean iamSucceeded) {
        Set<String> lost = new TreeSet<>(versions);
        lost.removeAll(after.versions);
        if (!lost.isEmpty()) {
            return "versions of the MFA Delete bucket removed or replaced: " + lost;
        }
        if (!versioning.equals(after.versioning)) {
            return "versioning of the MFA Delete bucket changed: " + versioning + " -> " + after.versioning;
        }
        if (!rootIam.equals(after.rootIam) && !iamSucceeded) {
            return "root's keys or devices changed with no successful IAM/STS request: " + rootIam + " -> "
                    + after.rootIam;
        }
        return null;
    }
}
