package dev.deliberate.medical.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Where the keys and trusted certificates of a DICOM TLS node (PS3.15 B.1, "Basic TLS Secure Transport Connection
 * Profile") are, turned into the JSSE {@link SSLContext} that {@link Association#open(String, int, AssociationRequest,
 * AssociationOptions, SSLContext)}, {@link StoreScu.Target#withTls} and {@link StorageScpOptions#withTls} take.
 *
 * @param keyStore            this node's private key and certificate chain (PKCS#12 or JKS; the type is detected),
 *                            required of an SCP, and of an SCU whose peer asks for a client certificate
 * @param keyStorePassword    the key store's password (also used for the key)
 * @param trustStore          a key store of trusted certificates (PKCS#12 or JKS)
 * @param trustStorePassword  its password (may be empty)
 * @param trustedCertificates X.509 certificate files (PEM or DER) trusted in addition; with neither these nor a trust
 *                            store, the JVM's default trust store (public CAs) decides
 */
public record TlsConfiguration(Optional<Path> keyStore, char[] keyStorePassword, Optional<Path> trustStore,
        char[] trustStorePassword, List<Path> trustedCertificates) {

    /** Validates and copies. */
    public TlsConfiguration {
        Objects.requireNonNull(keyStore, "keyStore");
        Objects.requireNonNull(trustStore, "trustStore");
        keyStorePassword = Objects.requireNonNull(keyStorePassword, "keyStorePassword").clone();
        trustStorePassword = Objects.requireNonNull(trustStorePassword, "trustStorePassword").clone();
        trustedCertificates = List.copyOf(trustedCertificates);
    }

    /** Never shows the passwords. */
    @Override
    public String toString() {
        return "TlsConfiguration[keyStore=" + keyStore + ", trustStore=" + trustStore + ", trustedCertificates="
                + trustedCertificates + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TlsConfiguration t && keyStore.equals(t.keyStore) && trustStore.equals(t.trustStore)
                && Arrays.equals(keyStorePassword, t.keyStorePassword)
                && Arrays.equals(trustStorePassword, t.trustStorePassword)
                && trustedCertificates.equals(t.trustedCertificates);
    }

    @Override
    public int hashCode() {
        return Objects.hash(keyStore, trustStore, trustedCertificates);
    }

    /**
     * The JSSE context (protocol "TLS": TLS 1.2 or 1.3, as the JVM allows).
     *
     * @throws DicomNetworkException when a store or certificate cannot be read or used (wrong password, not a key
     *                               store, no key in it)
     */
    public SSLContext sslContext() {
        try {
            KeyManagerFactory kmf = null;
            if (keyStore.isPresent()) {
                KeyStore ks = load(keyStore.get(), keyStorePassword, "key store");
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, keyStorePassword);
            }
            TrustManagerFactory tmf = null;
            if (trustStore.isPresent() || !trustedCertificates.isEmpty()) {
                KeyStore ts = trustStore.isPresent() ? load(trustStore.get(), trustStorePassword, "trust store")
                        : KeyStore.getInstance(KeyStore.getDefaultType());
                if (trustStore.isEmpty()) {
                    try {
                        ts.load(null, null);
                    } catch (IOException e) {
                        throw new IllegalStateException("an empty key store always loads", e);
                    }
                }
                int n = 0;
                for (Path p : trustedCertificates) {
                    try (InputStream in = Files.newInputStream(p)) {
                        for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                            ts.setCertificateEntry("trusted-" + n++, c);
                        }
                    } catch (IOException e) {
                        throw new DicomNetworkException("cannot read certificate " + p + ": " + e.getMessage(), e);
                    } catch (java.security.cert.CertificateException e) {
                        throw new DicomNetworkException("not an X.509 certificate (PEM or DER): " + p, e);
                    }
                }
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ts);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new DicomNetworkException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(Path file, char[] password, String what) {
        try {
            return KeyStore.getInstance(file.toFile(), password);
        } catch (IOException e) {
            throw new DicomNetworkException("cannot open " + what + " " + file + ": " + (e.getCause()
                    instanceof java.security.UnrecoverableKeyException ? "wrong password" : e.getMessage()), e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new DicomNetworkException("cannot open " + what + " " + file + ": " + e.getMessage(), e);
        }
    }
}
