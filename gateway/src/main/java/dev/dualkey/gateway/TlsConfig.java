package dev.dualkey.gateway;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The S3 listener's TLS identity: a PEM certificate chain and private key (PKCS#1 or PKCS#8, read with
 * BouncyCastle), or a self-signed certificate generated at start for quick starts and tests.
 */
public final class TlsConfig {
    private final List<X509Certificate> chain;
    private final PrivateKey key;

    private TlsConfig(List<X509Certificate> chain, PrivateKey key) {
        this.chain = List.copyOf(chain);
        this.key = key;
    }

    /**
     * Reads PEM files.
     *
     * @throws IllegalArgumentException when a file is unreadable or holds no certificate / key
     */
    public static TlsConfig pem(Path certificateFile, Path keyFile) {
        try {
            List<X509Certificate> chain = new ArrayList<>();
            JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
            try (Reader r = Files.newBufferedReader(certificateFile, StandardCharsets.US_ASCII);
                 PEMParser p = new PEMParser(r)) {
                Object o;
                while ((o = p.readObject()) != null) {
                    if (o instanceof X509CertificateHolder h) {
                        chain.add(conv.getCertificate(h));
                    }
                }
            }
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + certificateFile);
            }
            PrivateKey key = null;
            JcaPEMKeyConverter keyConv = new JcaPEMKeyConverter();
            try (Reader r = Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII);
                 PEMParser p = new PEMParser(r)) {
                Object o;
                while (key == null && (o = p.readObject()) != null) {
                    if (o instanceof PEMKeyPair kp) {
                        key = keyConv.getKeyPair(kp).getPrivate();
                    } else if (o instanceof PrivateKeyInfo info) {
                        key = keyConv.getPrivateKey(info);
                    }
                }
            }
            if (key == null) {
                throw new IllegalArgumentException("no unencrypted private key in " + keyFile);
            }
            return new TlsConfig(chain, key);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read TLS files: " + e.getMessage(), e);
        }
    }

    /** A fresh self-signed certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1}. */
    public static TlsConfig selfSigned() {
        return selfSigned(List.of());
    }

    /** A fresh self-signed certificate that also names the given DNS names (e.g. {@code *.s3.example}). */
    public static TlsConfig selfSigned(List<String> extraDnsNames) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(256, new SecureRandom());
            KeyPair kp = g.generateKeyPair();
            Instant now = Instant.now();
            X500Name name = new X500Name("CN=Dualkey self-signed");
            List<GeneralName> sans = new ArrayList<>();
            sans.add(new GeneralName(GeneralName.dNSName, "localhost"));
            sans.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
            sans.add(new GeneralName(GeneralName.iPAddress, "::1"));
            for (String dns : extraDnsNames) {
                sans.add(new GeneralName(GeneralName.dNSName, dns));
            }
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(365))), name, kp.getPublic());
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(sans.toArray(GeneralName[]::new)));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
            return new TlsConfig(List.of(cert), kp.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException("cannot create a self-signed certificate", e);
        }
    }

    /** The leaf certificate (tests trust it explicitly). */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** The leaf certificate in PEM form (e.g. for {@code aws --ca-bundle}). */
    public String certificatePem() {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(chain.get(0));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return sw.toString();
    }

    SslContext toSslContext() {
        try {
            return SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new)).build();
        } catch (IOException e) {
            throw new IllegalStateException("cannot build the TLS context", e);
        }
    }

    @Override
    public String toString() {
        return "TlsConfig[" + Objects.toString(chain.get(0).getSubjectX500Principal()) + "]";
    }
}
