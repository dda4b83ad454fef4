package dev.dualkey.gateway.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.iam.IamAction;
import dev.dualkey.gateway.s3.CopySource;
import dev.dualkey.gateway.s3.S3Operation;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The AWS action table, one row per S3 operation and request shape (with / without a version id, copies). */
class ActionTableTest {
    private static final String B = "arn:aws:s3:::alpha";
    private static final String K = "arn:aws:s3:::alpha/dir/k*ey";
    private static final CopySource SRC = new CopySource("src", "a/b", null);
    private static final CopySource SRC_V = new CopySource("src", "a/b", "v1");

    /** operation, versionId, copy source, expected "action resource" checks. */
    static Stream<Arguments> s3Rows() {
        return Stream.of(
                row(S3Operation.LIST_BUCKETS, null, null, "s3:ListAllMyBuckets *"),
                row(S3Operation.CREATE_BUCKET, null, null, "s3:CreateBucket " + B),
                row(S3Operation.HEAD_BUCKET, null, null, "s3:ListBucket " + B),
                row(S3Operation.DELETE_BUCKET, null, null, "s3:DeleteBucket " + B),
                row(S3Operation.GET_BUCKET_LOCATION, null, null, "s3:GetBucketLocation " + B),
                row(S3Operation.GET_BUCKET_ACL, null, null, "s3:GetBucketAcl " + B),
                row(S3Operation.GET_BUCKET_VERSIONING, null, null, "s3:GetBucketVersioning " + B),
                row(S3Operation.PUT_BUCKET_VERSIONING, null, null, "s3:PutBucketVersioning " + B),
                row(S3Operation.LIST_OBJECTS, null, null, "s3:ListBucket " + B),
                row(S3Operation.LIST_OBJECTS_V2, null, null, "s3:ListBucket " + B),
                row(S3Operation.LIST_OBJECT_VERSIONS, null, null, "s3:ListBucketVersions " + B),
                row(S3Operation.LIST_MULTIPART_UPLOADS, null, null, "s3:ListBucketMultipartUploads " + B),
                row(S3Operation.GET_OBJECT, null, null, "s3:GetObject " + K),
                row(S3Operation.GET_OBJECT, "v1", null, "s3:GetObjectVersion " + K),
                row(S3Operation.HEAD_OBJECT, null, null, "s3:GetObject " + K),
                row(S3Operation.HEAD_OBJECT, "v1", null, "s3:GetObjectVersion " + K),
                row(S3Operation.GET_OBJECT_ACL, null, null, "s3:GetObjectAcl " + K),
                row(S3Operation.GET_OBJECT_ACL, "v1", null, "s3:GetObjectVersionAcl " + K),
                row(S3Operation.PUT_OBJECT, null, null, "s3:PutObject " + K),
                row(S3Operation.COPY_OBJECT, null, SRC, "s3:GetObject arn:aws:s3:::src/a/b", "s3:PutObject " + K),
                row(S3Operation.COPY_OBJECT, null, SRC_V, "s3:GetObjectVersion arn:aws:s3:::src/a/b",
                        "s3:PutObject " + K),
                row(S3Operation.DELETE_OBJECT, null, null, "s3:DeleteObject " + K),
                row(S3Operation.DELETE_OBJECT, "v1", null, "s3:DeleteObjectVersion " + K),
                row(S3Operation.DELETE_OBJECTS, null, null),
                row(S3Operation.CREATE_MULTIPART_UPLOAD, null, null, "s3:PutObject " + K),
                row(S3Operation.UPLOAD_PART, null, null, "s3:PutObject " + K),
                row(S3Operation.UPLOAD_PART_COPY, null, SRC, "s3:GetObject arn:aws:s3:::src/a/b", "s3:PutObject " + K),
                row(S3Operation.UPLOAD_PART_COPY, null, SRC_V, "s3:GetObjectVersion arn:aws:s3:::src/a/b",
                        "s3:PutObject " + K),
                row(S3Operation.COMPLETE_MULTIPART_UPLOAD, null, null, "s3:PutObject " + K),
                row(S3Operation.ABORT_MULTIPART_UPLOAD, null, null, "s3:AbortMultipartUpload " + K),
                row(S3Operation.LIST_PARTS, null, null, "s3:ListMultipartUploadParts " + K),
                row(S3Operation.PUT_BUCKET_POLICY, null, null, "s3:PutBucketPolicy " + B),
                row(S3Operation.GET_BUCKET_POLICY, null, null, "s3:GetBucketPolicy " + B),
                row(S3Operation.DELETE_BUCKET_POLICY, null, null, "s3:DeleteBucketPolicy " + B),
                row(S3Operation.GET_BUCKET_POLICY_STATUS, null, null, "s3:GetBucketPolicyStatus " + B),
                row(S3Operation.PUT_PUBLIC_ACCESS_BLOCK, null, null, "s3:PutBucketPublicAccessBlock " + B),
                row(S3Operation.GET_PUBLIC_ACCESS_BLOCK, null, null, "s3:GetBucketPublicAccessBlock " + B),
                // AWS: DeletePublicAccessBlock requires s3:PutBucketPublicAccessBlock
                row(S3Operation.DELETE_PUBLIC_ACCESS_BLOCK, null, null, "s3:PutBucketPublicAccessBlock " + B),
                row(S3Operation.PUT_BUCKET_CORS, null, null, "s3:PutBucketCORS " + B),
                row(S3Operation.GET_BUCKET_CORS, null, null, "s3:GetBucketCORS " + B),
                row(S3Operation.DELETE_BUCKET_CORS, null, null, "s3:PutBucketCORS " + B),
                // lifecycle: DeleteBucketLifecycle is authorized as s3:PutLifecycleConfiguration, as on AWS
                row(S3Operation.PUT_BUCKET_LIFECYCLE_CONFIGURATION, null, null, "s3:PutLifecycleConfiguration " + B),
                row(S3Operation.GET_BUCKET_LIFECYCLE_CONFIGURATION, null, null, "s3:GetLifecycleConfiguration " + B),
                row(S3Operation.DELETE_BUCKET_LIFECYCLE, null, null, "s3:PutLifecycleConfiguration " + B),
                row(S3Operation.GET_BUCKET_ENCRYPTION, null, null, "s3:GetEncryptionConfiguration " + B),
                row(S3Operation.PUT_BUCKET_ENCRYPTION, null, null, "s3:PutEncryptionConfiguration " + B),
                row(S3Operation.DELETE_BUCKET_ENCRYPTION, null, null, "s3:PutEncryptionConfiguration " + B),
                row(S3Operation.PUT_BUCKET_ACL, null, null, "s3:PutBucketAcl " + B),
                row(S3Operation.PUT_OBJECT_ACL, null, null, "s3:PutObjectAcl " + K),
                row(S3Operation.PUT_OBJECT_ACL, "v1", null, "s3:PutObjectVersionAcl " + K),
                row(S3Operation.GET_BUCKET_OWNERSHIP_CONTROLS, null, null, "s3:GetBucketOwnershipControls " + B),
                row(S3Operation.PUT_BUCKET_OWNERSHIP_CONTROLS, null, null, "s3:PutBucketOwnershipControls " + B),
                row(S3Operation.DELETE_BUCKET_OWNERSHIP_CONTROLS, null, null,
                        "s3:PutBucketOwnershipControls " + B),
                row(S3Operation.PUT_OBJECT_LOCK_CONFIGURATION, null, null,
                        "s3:PutBucketObjectLockConfiguration " + B),
                row(S3Operation.GET_OBJECT_LOCK_CONFIGURATION, null, null,
                        "s3:GetBucketObjectLockConfiguration " + B),
                row(S3Operation.PUT_OBJECT_RETENTION, "v1", null, "s3:PutObjectRetention " + K),
                row(S3Operation.GET_OBJECT_RETENTION, null, null, "s3:GetObjectRetention " + K),
                row(S3Operation.PUT_OBJECT_LEGAL_HOLD, null, null, "s3:PutObjectLegalHold " + K),
                row(S3Operation.GET_OBJECT_LEGAL_HOLD, "v1", null, "s3:GetObjectLegalHold " + K),
                row(S3Operation.PUT_OBJECT_TAGGING, null, null, "s3:PutObjectTagging " + K),
                row(S3Operation.PUT_OBJECT_TAGGING, "v1", null, "s3:PutObjectVersionTagging " + K),
                row(S3Operation.GET_OBJECT_TAGGING, null, null, "s3:GetObjectTagging " + K),
                row(S3Operation.GET_OBJECT_TAGGING, "v1", null, "s3:GetObjectVersionTagging " + K),
                row(S3Operation.DELETE_OBJECT_TAGGING, null, null, "s3:DeleteObjectTagging " + K),
                row(S3Operation.DELETE_OBJECT_TAGGING, "v1", null, "s3:DeleteObjectVersionTagging " + K),
                row(S3Operation.PUT_BUCKET_TAGGING, null, null, "s3:PutBucketTagging " + B),
                row(S3Operation.GET_BUCKET_TAGGING, null, null, "s3:GetBucketTagging " + B),
                row(S3Operation.DELETE_BUCKET_TAGGING, null, null, "s3:PutBucketTagging " + B),
                row(S3Operation.GET_OBJECT_ATTRIBUTES, null, null, "s3:GetObjectAttributes " + K,
                        "s3:GetObject " + K),
                row(S3Operation.GET_OBJECT_ATTRIBUTES, "v1", null, "s3:GetObjectVersionAttributes " + K,
                        "s3:GetObjectVersion " + K),
                row(S3Operation.PUT_BUCKET_LOGGING, null, null, "s3:PutBucketLogging " + B),
                row(S3Operation.GET_BUCKET_LOGGING, null, null, "s3:GetBucketLogging " + B));
    }

    private static Arguments row(S3Operation op, String versionId, CopySource src, String... checks) {
        return Arguments.of(op, versionId, src, List.of(checks));
    }

    @ParameterizedTest(name = "{0} versionId={1} source={2}")
    @MethodSource("s3Rows")
    void s3Row(S3Operation op, String versionId, CopySource source, List<String> expected) {
        boolean bucketLevel = op.name().startsWith("LIST_") && op != S3Operation.LIST_PARTS
                || op.name().contains("BUCKET") || op == S3Operation.DELETE_OBJECTS;
        String key = op == S3Operation.LIST_BUCKETS || bucketLevel ? null : "dir/k*ey";
        String bucket = op == S3Operation.LIST_BUCKETS ? null : "alpha";
        List<String> actual = ActionTable.s3(op, bucket, key, versionId, source).stream()
                .map(c -> c.action() + " " + c.resource()).toList();
        assertEquals(expected, actual);
    }

    @Test
    void everyS3OperationHasARowInTheTest() {
        Set<S3Operation> tested = EnumSet.noneOf(S3Operation.class);
        s3Rows().forEach(a -> tested.add((S3Operation) a.get()[0]));
        assertEquals(EnumSet.allOf(S3Operation.class), tested);
    }

    @Test
    void deleteObjectsIsEvaluatedPerEntryOnTheKeysArn() {
        assertEquals(new Check("s3:DeleteObject", "arn:aws:s3:::alpha/private/a"),
                ActionTable.deleteObjectsEntry("alpha", "private/a", null));
        assertEquals(new Check("s3:DeleteObjectVersion", "arn:aws:s3:::alpha/private/a"),
                ActionTable.deleteObjectsEntry("alpha", "private/a", "3sL4kqtJlcpXroDTDmJ"));
    }

    @Test
    void aCopyWithoutItsSourceIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class,
                () -> ActionTable.s3(S3Operation.COPY_OBJECT, "alpha", "k", null, null));
    }

    @Test
    void everyIamOperationIsItsOwnIamAction() {
        for (IamAction a : IamAction.values()) {
            assertEquals("iam:" + a.actionName(), ActionTable.iam(a));
            assertEquals(a.policyAction(), ActionTable.iam(a));
        }
        assertEquals("iam:CreateVirtualMFADevice", ActionTable.iam(IamAction.CREATE_VIRTUAL_MFA_DEVICE));
        assertEquals("iam:ListMFADevices", ActionTable.iam(IamAction.LIST_MFA_DEVICES));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("iamRows")
    void iamRow(String action, ActionTable.IamResource resource) {
        IamAction a = IamAction.fromName(action);
        assertEquals("iam:" + action, ActionTable.iam(a));
        assertEquals(resource, ActionTable.iamResource(a).orElseThrow());
    }

    static Stream<Arguments> iamRows() {
        return Stream.of(
                Arguments.of("CreateUser", ActionTable.IamResource.USER),
                Arguments.of("ListUsers", ActionTable.IamResource.NONE),
                Arguments.of("CreateAccessKey", ActionTable.IamResource.USER),
                Arguments.of("ChangePassword", ActionTable.IamResource.USER),
                Arguments.of("PutUserPolicy", ActionTable.IamResource.USER),
                Arguments.of("GetAccountSummary", ActionTable.IamResource.NONE),
                Arguments.of("CreateVirtualMFADevice", ActionTable.IamResource.MFA),
                Arguments.of("EnableMFADevice", ActionTable.IamResource.USER),
                Arguments.of("DeactivateMFADevice", ActionTable.IamResource.USER),
                Arguments.of("DeleteVirtualMFADevice", ActionTable.IamResource.MFA),
                Arguments.of("ListMFADevices", ActionTable.IamResource.USER),
                Arguments.of("ListVirtualMFADevices", ActionTable.IamResource.NONE),
                Arguments.of("GetMFADevice", ActionTable.IamResource.USER),
                Arguments.of("TagMFADevice", ActionTable.IamResource.MFA));
    }

    @Test
    void everyIamActionHasAResourceRow() {
        for (IamAction a : IamAction.values()) {
            assertTrue(ActionTable.iamResource(a).isPresent(), a.actionName() + " has no row in the action table");
        }
    }

    @Test
    void stsOperationsNeedNoPermission() {
        assertTrue(ActionTable.sts("GetCallerIdentity").isEmpty());
        assertTrue(ActionTable.sts("GetSessionToken").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> ActionTable.sts("AssumeRole"));
    }
}
