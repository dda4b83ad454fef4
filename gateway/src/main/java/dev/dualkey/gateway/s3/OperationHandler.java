package dev.dualkey.gateway.s3;

import dev.dualkey.gateway.http.Exchange;

/**
 * Handles one or more S3 operations. {@link #begin} runs on the storage executor after authentication and
 * authorization, before any body byte is read: a handler of object data opens its writer here (so NoSuchBucket
 * is answered before {@code 100 Continue}); the others return {@link SmallBody#exchange}.
 */
@FunctionalInterface
public interface OperationHandler {
    Exchange begin(S3Request request);
}
