package dev.dualkey.mfa.policy;

import java.util.List;

/**
 * The S3 actions a bucket policy may name ("Actions, resources, and condition keys for Amazon S3"), split by the
 * resource type they apply to: a pattern naming none is "Policy has invalid action", and a statement whose actions
 * all apply to one kind of resource while its resources are all of the other kind is "Action does not apply to any
 * resource(s) in statement", as S3 answers. Account-level actions (ListAllMyBuckets, CreateBucket, ...) name no
 * bucket or object resource and so never apply in a bucket policy; they are listed so that a policy naming them is
 * refused with the resource message, as S3 does, not the action message.
 */
final class S3Actions {
    /** Actions on {@code arn:aws:s3:::bucket}. */
    static final List<String> BUCKET = List.of("CreateBucket", "DeleteBucket", "ListBucket", "ListBucketVersions",
            "ListBucketMultipartUploads", "GetBucketLocation", "GetBucketAcl", "PutBucketAcl", "GetBucketPolicy",
            "PutBucketPolicy", "DeleteBucketPolicy", "GetBucketPolicyStatus", "GetBucketVersioning",
            "PutBucketVersioning", "GetBucketCORS", "PutBucketCORS", "GetLifecycleConfiguration",
            "PutLifecycleConfiguration", "GetBucketTagging", "PutBucketTagging", "GetBucketWebsite",
            "PutBucketWebsite", "DeleteBucketWebsite", "GetBucketLogging", "PutBucketLogging",
            "GetBucketNotification", "PutBucketNotification", "GetEncryptionConfiguration",
            "PutEncryptionConfiguration", "GetBucketObjectLockConfiguration", "PutBucketObjectLockConfiguration",
            "GetBucketOwnershipControls", "PutBucketOwnershipControls", "GetBucketPublicAccessBlock",
            "PutBucketPublicAccessBlock", "GetAccelerateConfiguration", "PutAccelerateConfiguration",
            "GetBucketRequestPayment", "PutBucketRequestPayment", "GetReplicationConfiguration",
            "PutReplicationConfiguration", "GetAnalyticsConfiguration", "PutAnalyticsConfiguration",
            "GetInventoryConfiguration", "PutInventoryConfiguration", "GetMetricsConfiguration",
            "PutMetricsConfiguration", "GetIntelligentTieringConfiguration", "PutIntelligentTieringConfiguration",
            "ListBucketByTags");
    /** Actions on {@code arn:aws:s3:::bucket/key}. */
    static final List<String> OBJECT = List.of("GetObject", "GetObjectVersion", "PutObject", "DeleteObject",
            "DeleteObjectVersion", "GetObjectAcl", "GetObjectVersionAcl", "PutObjectAcl", "PutObjectVersionAcl",
            "GetObjectTagging", "GetObjectVersionTagging", "PutObjectTagging", "PutObjectVersionTagging",
            "DeleteObjectTagging", "DeleteObjectVersionTagging", "GetObjectAttributes", "GetObjectVersionAttributes",
            "GetObjectRetention", "PutObjectRetention", "GetObjectLegalHold", "PutObjectLegalHold",
            "BypassGovernanceRetention", "AbortMultipartUpload", "ListMultipartUploadParts", "RestoreObject",
            "GetObjectTorrent", "GetObjectVersionTorrent", "GetObjectVersionForReplication", "ReplicateObject",
            "ReplicateDelete", "ReplicateTags", "ObjectOwnerOverrideToBucketOwner");
    /** Actions without a bucket or object resource. */
    static final List<String> ACCOUNT = List.of("ListAllMyBuckets", "GetAccountPublicAccessBlock",
            "PutAccountPublicAccessBlock", "ListAccessPoints", "ListJobs", "CreateJob");

    private S3Actions() {
    }

    /** The resource kinds an action pattern ({@code s3:Get*}, {@code *}) names: bit 1 bucket, 2 object, 4 account. */
    static int kinds(String pattern) {
        int k = 0;
        if (pattern.equals("*")) {
            return 7;
        }
        int colon = pattern.indexOf(':');
        if (colon < 0 || !pattern.substring(0, colon).equalsIgnoreCase("s3")) {
            return 0;
        }
        String name = pattern.substring(colon + 1);
        for (String a : BUCKET) {
            if (Wildcards.matches(name, a, true)) {
                k |= 1;
                break;
            }
        }
        for (String a : OBJECT) {
            if (Wildcards.matches(name, a, true)) {
                k |= 2;
                break;
            }
        }
        for (String a : ACCOUNT) {
            if (Wildcards.matches(name, a, true)) {
                k |= 4;
                break;
            }
        }
        return k;
    }
}
