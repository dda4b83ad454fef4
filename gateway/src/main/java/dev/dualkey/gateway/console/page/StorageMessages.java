package dev.dualkey.gateway.console.page;

import dev.dualkey.storage.error.BucketAlreadyExistsException;
import dev.dualkey.storage.error.BucketAlreadyOwnedByYouException;
import dev.dualkey.storage.error.BucketNotEmptyException;
import dev.dualkey.storage.error.InvalidBucketNameException;
import dev.dualkey.storage.error.KeyTooLongException;
import dev.dualkey.storage.error.MethodNotAllowedException;
import dev.dualkey.storage.error.NoSuchBucketException;
import dev.dualkey.storage.error.NoSuchKeyException;
import dev.dualkey.storage.error.NoSuchVersionException;
import dev.dualkey.storage.error.SlowDownException;
import dev.dualkey.storage.error.StorageException;
import dev.dualkey.storage.error.StorageFullException;

/** Storage failures in plain words for console pages (the one place the console maps them). */
final class StorageMessages {
    private StorageMessages() {
    }

    static String of(StorageException e) {
        if (e instanceof InvalidBucketNameException) {
            return "That bucket name is not allowed. Use 3 to 63 lower-case letters, digits, dots and hyphens, "
                    + "starting and ending with a letter or digit.";
        } else if (e instanceof BucketAlreadyOwnedByYouException) {
            return "You already have a bucket with that name.";
        } else if (e instanceof BucketAlreadyExistsException) {
            return "That bucket name is taken. Bucket names are shared by all accounts; choose another.";
        } else if (e instanceof BucketNotEmptyException) {
            return "The bucket is not empty. Delete all object versions and delete markers first.";
        } else if (e instanceof NoSuchBucketException) {
            return "That bucket does not exist.";
        } else if (e instanceof NoSuchKeyException) {
            return "That object does not exist (it may have been deleted).";
        } else if (e instanceof NoSuchVersionException) {
            return "That version does not exist (it may have been deleted).";
        } else if (e instanceof dev.dualkey.storage.error.ObjectLockedException locked) {
            return switch (locked.reason()) {
                case LEGAL_HOLD -> "This version is under a legal hold (Object Lock): nobody can delete it until the "
                        + "hold is removed.";
                case COMPLIANCE -> "This version is under COMPLIANCE retention (Object Lock): nobody, root included, "
                        + "can delete it before its retain-until date.";
                case GOVERNANCE -> "This version is under GOVERNANCE retention (Object Lock): only the S3 API with "
                        + "x-amz-bypass-governance-retention and s3:BypassGovernanceRetention can delete it early.";
            };
        } else if (e instanceof dev.dualkey.storage.error.InvalidBucketStateException) {
            return "This bucket has Object Lock, so its versioning stays Enabled.";
        } else if (e instanceof MethodNotAllowedException) {
            return "That version is a delete marker; it has no content to download.";
        } else if (e instanceof KeyTooLongException) {
            return "The object name is too long (at most 1024 bytes).";
        } else if (e instanceof StorageFullException) {
            return "The server's disk is full. Ask the operator to free space.";
        } else if (e instanceof SlowDownException) {
            return "The server is busy. Please try again in a moment.";
        }
        return "The storage could not do that. Please try again.";
    }
}
