package dev.dualkey.compat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Records the headers of every request an SDK v2 client puts on the wire (after signing), so that a test can
 * prove which signing mode it exercised, e.g. {@code STREAMING-UNSIGNED-PAYLOAD-TRAILER}.
 */
public final class WireLog implements ExecutionInterceptor {

    private final List<Map<String, List<String>>> requests = new CopyOnWriteArrayList<>();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        requests.add(context.httpRequest().headers());
    }

    /** First value of {@code name} (case-insensitive) in the last request sent. */
    public String lastHeader(String name) {
        if (requests.isEmpty()) {
            throw new AssertionError("no request was sent");
        }
        return requests.get(requests.size() - 1).entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().get(0))
                .findFirst().orElse(null);
    }
}
