package dev.dualkey.compat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that provides a running gateway to a test class.
 *
 * <p>By default it boots the gateway in-process on {@code 127.0.0.1:0} over a fresh temporary data directory,
 * once per test run (the instance lives in the root extension store and is closed when the run ends). With
 * {@code -Dcompat.endpoint=URL} it attaches to that server instead (e.g. {@code moto_server} while the gateway
 * is being written); keys then come from {@code -Dcompat.accessKey}/{@code -Dcompat.secretKey} and
 * {@code -Dcompat.otherAccessKey}/{@code -Dcompat.otherSecretKey}, defaulting to the keys below.
 *
 * <p>Parameters it resolves, in test methods and static {@code @BeforeAll} methods:
 * <ul>
 *   <li>{@link GatewayEndpoint}: the plain-HTTP gateway;</li>
 *   <li>{@link TestBuckets}: unique bucket names, emptied and deleted after the test method (or after the
 *       class when injected into {@code @BeforeAll});</li>
 *   <li>{@link TlsGateway}: a second gateway serving HTTPS with a self-signed certificate
 *       ({@code -Dcompat.tlsEndpoint=URL} in attached mode).</li>
 * </ul>
 *
 * <p>This class is the single place that decides which identities exist: the account set below is what the
 * in-process gateway's credential provider serves. When the real identity store replaces that provider, only
 * {@link InProcessGateway} and these constants change.
 */
public final class GatewayExtension implements BeforeAllCallback, ParameterResolver {

    /** Region every test signs for. */
    public static final String REGION = "us-east-1";

    /** Root user of the account that owns the test buckets. */
    public static final AccessKey ROOT = new AccessKey(
            System.getProperty("compat.accessKey", "AKIADUALKEYROOT00001"),
            System.getProperty("compat.secretKey", "dualkeyRootSecretKeyForCompatTests000001"));

    /** Root user of a second account, used to check cross-account refusals. */
    public static final AccessKey OTHER_ACCOUNT = new AccessKey(
            System.getProperty("compat.otherAccessKey", "AKIADUALKEYOTHER0002"),
            System.getProperty("compat.otherSecretKey", "dualkeyOtherSecretKeyForCompatTests00002"));

    /** The accounts the in-process gateway knows, one root key each. */
    static final List<AccessKey> ACCOUNTS = List.of(ROOT, OTHER_ACCOUNT);

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(GatewayExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        plainGateway(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == GatewayEndpoint.class || type == TestBuckets.class || type == TlsGateway.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type == GatewayEndpoint.class) {
            return plainGateway(context).endpoint();
        }
        if (type == TlsGateway.class) {
            return new TlsGateway(tlsGateway(context).endpoint());
        }
        if (type == TestBuckets.class) {
            // One TestBuckets per requesting context: a method's buckets go after the method, a
            // @BeforeAll's after the class. AutoCloseable values in the store are closed by JUnit.
            GatewayEndpoint endpoint = plainGateway(context).endpoint();
            return context.getStore(NAMESPACE).getOrComputeIfAbsent(
                    TestBuckets.class, k -> new TestBuckets(endpoint, context.getUniqueId()), TestBuckets.class);
        }
        throw new ParameterResolutionException("unsupported parameter " + type);
    }

    private static RunningGateway plainGateway(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(
                "plain", k -> start(System.getProperty("compat.endpoint"), false), RunningGateway.class);
    }

    private static RunningGateway tlsGateway(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(
                "tls", k -> start(System.getProperty("compat.tlsEndpoint"), true), RunningGateway.class);
    }

    private static RunningGateway start(String externalUrl, boolean tls) {
        if (externalUrl != null && !externalUrl.isBlank()) {
            GatewayEndpoint endpoint = new GatewayEndpoint(URI.create(externalUrl), REGION, ROOT, OTHER_ACCOUNT);
            return new RunningGateway() {
                @Override
                public GatewayEndpoint endpoint() {
                    return endpoint;
                }

                @Override
                public void close() {
                    // attached, not owned: nothing to stop
                }
            };
        }
        if (tls && System.getProperty("compat.endpoint") != null) {
            throw new IllegalStateException(
                    "attached to -Dcompat.endpoint but no -Dcompat.tlsEndpoint given for the HTTPS tests");
        }
        try {
            Path dataDir = Files.createTempDirectory(tls ? "dualkey-compat-tls-" : "dualkey-compat-");
            return InProcessGateway.start(dataDir, tls, ACCOUNTS, REGION);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The HTTPS gateway, a distinct type so that tests ask for it explicitly. */
    public record TlsGateway(GatewayEndpoint endpoint) {
    }
}
