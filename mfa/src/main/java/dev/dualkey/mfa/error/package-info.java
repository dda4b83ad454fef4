/**
 * One exception class per IAM domain failure; each carries its IAM wire code and HTTP status
 * ({@link dev.dualkey.mfa.error.IamException#code()}, {@link dev.dualkey.mfa.error.IamException#httpStatus()}).
 * Storage failures ({@code dev.dualkey.storage.error.StorageException}) pass through unchanged.
 */
package dev.dualkey.mfa.error;
