package dev.deliberate.medical.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.medical.dicom.TransferSyntax;
import dev.deliberate.medical.testing.PeerSupport;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Associations over TLS (JSSE): SDK to SDK, DCMTK's storescu +tls into the SDK, and the failures that must be clean. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DicomTlsIT {
    private static final AeTitle SCP = AeTitle.of("TLSSCP");
    private static final AeTitle SCU = AeTitle.of("TLSSCU");

    @TempDir
    static Path tmp;

    private SSLContext server;
    private SSLContext client;
    private SSLContext stranger;
    private List<Path> files;

    @BeforeAll
    void keys() throws Exception {
        PeerSupport.requireCommand("openssl");
        for (String who : List.of("scp", "scu", "other")) {
            PeerSupport.Result r = PeerSupport.run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048",
                    "-nodes", "-keyout", tmp.resolve(who + ".key").toString(), "-out",
                    tmp.resolve(who + ".crt").toString(), "-days", "2", "-subj", "/CN=" + who), 60);
            assertEquals(0, r.exitCode(), r.stderr());
            r = PeerSupport.run(List.of("openssl", "pkcs12", "-export", "-inkey", tmp.resolve(who + ".key").toString(),
                    "-in", tmp.resolve(who + ".crt").toString(), "-out", tmp.resolve(who + ".p12").toString(),
                    "-passout", "pass:changeit", "-name", who), 60);
            assertEquals(0, r.exitCode(), r.stderr());
        }
        server = context("scp", "scu");
        client = context("scu", "scp");
        stranger = context("other", "other");
        files = NetFixtures.writeStudy(tmp.resolve("in"), "2.25.4430", 3, 32, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
    }

    /** A context with {@code own}'s key that trusts only {@code trusted}'s certificate. */
    private static SSLContext context(String own, String trusted) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(tmp.resolve(own + ".p12"))) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        try (InputStream in = Files.newInputStream(tmp.resolve(trusted + ".crt"))) {
            Certificate c = CertificateFactory.getInstance("X.509").generateCertificate(in);
            ts.setCertificateEntry(trusted, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private StorageScp start(String dir) throws Exception {
        return StorageScp.start(StorageScpOptions.defaults(SCP, tmp.resolve(dir)).withTls(server, true),
                StorageListener.none());
    }

    @Test
    void sdkToSdkOverTlsWithClientCertificates() throws Exception {
        try (StorageScp scp = start("sdk-out");
             Association a = Association.open("127.0.0.1", scp.port(), AssociationRequest.of(SCU, SCP,
                     PresentationContexts.forFiles(files)), AssociationOptions.defaults(), client)) {
            for (Path f : files) {
                assertEquals(DimseStatus.SUCCESS, a.store(f).status());
            }
        }
        assertEquals(3, NetFixtures.filesUnder(tmp.resolve("sdk-out")).size());
    }

    @Test
    void plainTcpAndUntrustedCertificatesFailCleanlyAndTheScpKeepsServing() throws Exception {
        try (StorageScp scp = start("fail-out")) {
            AssociationRequest rq = AssociationRequest.of(SCU, SCP, PresentationContexts.verification());
            AssociationOptions quick = AssociationOptions.defaults().withArtimTimeout(java.time.Duration.ofSeconds(5));
            assertThrows(DicomNetworkException.class, () -> Association.open("127.0.0.1", scp.port(), rq, quick));
            DicomNetworkException untrusted = assertThrows(DicomNetworkException.class,
                    () -> Association.open("127.0.0.1", scp.port(), rq, quick, stranger));
            assertTrue(untrusted.getMessage().startsWith("TLS handshake with 127.0.0.1:" + scp.port() + " failed"),
                    untrusted.getMessage());
            try (Association a = Association.open("127.0.0.1", scp.port(), rq, quick, client)) {
                assertEquals(DimseStatus.SUCCESS, a.echo());
            }
        }
    }

    @Test
    void dcmtkStorescuOverTlsIntoTheSdkScp() throws Exception {
        PeerSupport.requireCommand("storescu");
        try (StorageScp scp = start("dcmtk-out")) {
            PeerSupport.Result r = PeerSupport.run(List.of("storescu", "-aet", "TLSSCU", "-aec", "TLSSCP",
                    "+tls", tmp.resolve("scu.key").toString(), tmp.resolve("scu.crt").toString(),
                    "+cf", tmp.resolve("scp.crt").toString(), "127.0.0.1", String.valueOf(scp.port()),
                    files.get(0).toString()), 60);
            assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
            assertEquals(1, scp.stats().instancesStored());
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(NetFixtures.datasetBytes(files.get(0)),
                NetFixtures.datasetBytes(tmp.resolve("dcmtk-out/2.25.4430/2.25.4430.1.dcm")));
    }
}
