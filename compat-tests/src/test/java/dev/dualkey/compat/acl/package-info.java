/**
 * S3 ACLs and Object Ownership through real clients (SDK v2, SDK v1, the aws CLI): canned ACLs on every write,
 * grants by canonical id to a second account, versioned ACLs, BucketOwnerEnforced's AccessControlListNotSupported,
 * and AWS's error codes for mixed or malformed ACL requests.
 */
package dev.dualkey.compat.acl;
