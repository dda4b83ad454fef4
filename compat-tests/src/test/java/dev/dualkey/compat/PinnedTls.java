package dev.dualkey.compat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.apache.http.conn.ssl.DefaultHostnameVerifier;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;

/**
 * Trust for a gateway's self-signed certificate: the certificate the server presents on a first handshake is
 * captured once and becomes the only trust anchor (pinning). Host name verification stays on, so the
 * certificate must name the host the tests connect to ({@code 127.0.0.1}).
 */
public final class PinnedTls {

    private static final Map<String, TrustManager[]> PINNED = new ConcurrentHashMap<>();

    private PinnedTls() {
    }

    /** Trust managers that accept exactly the certificate {@code endpoint} presents. */
    public static TrustManager[] trustManagers(URI endpoint) {
        return PINNED.computeIfAbsent(endpoint.getHost() + ":" + endpoint.getPort(), k -> pin(endpoint));
    }

    /** An SSL context trusting only the pinned certificate. */
    public static SSLContext sslContext(URI endpoint) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(endpoint), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same trust for SDK v1's Apache HTTP client, with its standard host name verifier. */
    public static SSLConnectionSocketFactory v1SocketFactory(URI endpoint) {
        return new SSLConnectionSocketFactory(sslContext(endpoint), new DefaultHostnameVerifier());
    }

    private static TrustManager[] pin(URI endpoint) {
        try {
            X509Certificate leaf = presentedCertificate(endpoint);
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("gateway", leaf);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot pin the certificate of " + endpoint, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach " + endpoint, e);
        }
    }

    /** Handshakes once accepting anything, only to read the certificate; nothing is sent over it. */
    private static X509Certificate presentedCertificate(URI endpoint) throws GeneralSecurityException, IOException {
        SSLContext capture = SSLContext.getInstance("TLS");
        capture.init(null, new TrustManager[] {new CapturingTrustManager()}, null);
        try (SSLSocket socket = (SSLSocket) capture.getSocketFactory().createSocket(endpoint.getHost(), endpoint.getPort())) {
            socket.startHandshake();
            Certificate[] chain = socket.getSession().getPeerCertificates();
            return (X509Certificate) chain[0];
        }
    }

    /** Accepts every chain: used only for the capturing handshake above. */
    private static final class CapturingTrustManager implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // accepted: the chain is inspected, not trusted, by the caller
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
