/**
 * S3 access control lists and Object Ownership, as Amazon S3 has them.
 *
 * <p>What lives here:
 * <ul>
 *   <li>the ACL model ({@link dev.dualkey.gateway.acl.Acl}, {@link dev.dualkey.gateway.acl.Grant},
 *       {@link dev.dualkey.gateway.acl.Grantee}, {@link dev.dualkey.gateway.acl.Permission}) with its stored
 *       compact form and its {@code AccessControlPolicy} XML;</li>
 *   <li>how a request asks for an ACL ({@link dev.dualkey.gateway.acl.AclRequest}: {@code x-amz-acl} canned ACLs,
 *       {@code x-amz-grant-*} headers, or an {@code AccessControlPolicy} body, with AWS's errors when they are
 *       mixed or malformed);</li>
 *   <li>Object Ownership ({@link dev.dualkey.gateway.acl.ObjectOwnership}): who owns a new object and whether ACLs
 *       are enabled at all (BucketOwnerEnforced, the default of new buckets, disables them);</li>
 *   <li>the evaluation ({@link dev.dualkey.gateway.acl.AclEvaluator}): which ACL permission an S3 action needs
 *       (AWS's "ACL permission to action" table) and whether an ACL grants it to a caller;</li>
 *   <li>the operations ({@link dev.dualkey.gateway.acl.AclOperations}): Get/PutBucketAcl, Get/PutObjectAcl,
 *       Put/Get/DeleteBucketOwnershipControls, and the ACL side of object writes
 *       ({@link dev.dualkey.gateway.acl.WriteAcl}).</li>
 * </ul>
 *
 * <p>Storage: a bucket's ACL is {@code BucketConfig.subresource("acl")}, its ownership setting
 * {@code BucketConfig.subresource("ownershipControls")}; an object version's ACL is its
 * {@code ObjectMetadata.attribute("acl")}. Absent means "private" (the owner's FULL_CONTROL only), so buckets and
 * objects written before ACLs existed read as they always behaved.
 *
 * <p>Security: an ACL only ever adds an allow; it is consulted after identity policies have not decided
 * ({@link dev.dualkey.gateway.authz.AccountAuthorizer}, through {@link dev.dualkey.gateway.authz.AclSides}) and never reaches the MFA Delete gate, which every
 * version-destroying operation passes after authorization whatever allowed it. A WRITE grant lets another account
 * write and add delete markers ({@code s3:DeleteObject}), never {@code s3:DeleteObjectVersion} (AWS: only the bucket
 * owner's own WRITE covers that).
 */
package dev.dualkey.gateway.acl;
