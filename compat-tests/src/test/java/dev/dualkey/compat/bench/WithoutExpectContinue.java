package dev.dualkey.compat.bench;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Removes the {@code Expect: 100-continue} header that the SDK puts on every PutObject and UploadPart. Used for
 * moto only: its server answers the expectation in a way that the SDK's Netty client takes as a final "HTTP 100"
 * response once the body is larger than a few MiB, so its large-object rows would otherwise fail. Every other
 * server gets the SDK's requests unchanged (the table's notes say so).
 */
final class WithoutExpectContinue implements ExecutionInterceptor {
    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        return context.httpRequest().toBuilder().removeHeader("Expect").build();
    }
}
