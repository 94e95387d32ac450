package dev.deliberate.medical.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.medical.dicom.DatasetDiff;
import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomReader;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.testing.PeerSupport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The SDK's SCU and SCP against DCMTK's echoscu, storescu and storescp. */
class DcmtkDimseIT {
    private static final AeTitle SCP = AeTitle.of("SDKSCP");

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "storescu {0} {1}")
    @CsvSource({
        "-xe, CT_small.dcm",
        "-xi, MR_small_implicit.dcm",
        "-xb, MR_small_bigendian.dcm",
        "-xd, image_dfl.dcm",
        "-xr, MR_small_RLE.dcm",
        "-xs, SC_rgb_jpeg_gdcm.dcm",
        "-xy, SC_rgb_jpeg_dcmtk.dcm",
        "-xx, JPEG-lossy.dcm",
        "-xv, MR_small_jp2klossless.dcm",
        "-xw, JPEG2000.dcm",
        "-xt, MR_small_jpeg_ls_lossless.dcm",
    })
    void storescuIntoTheSdkScpStoresTheInstanceInItsTransferSyntax(String flag, String name) throws Exception {
        PeerSupport.requireCommand("storescu");
        Path src = PeerSupport.pydicomFile(name);
        DicomFile in = DicomReader.standard().read(src);
        Path out = tmp.resolve("out");
        try (StorageScp scp = StorageScp.start(StorageScpOptions.defaults(SCP, out), StorageListener.none())) {
            PeerSupport.Result r = PeerSupport.run(List.of("storescu", "-aet", "DCMTKSCU", "-aec", "SDKSCP", flag,
                    "127.0.0.1", String.valueOf(scp.port()), src.toString()), 60);
            assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
            assertEquals(1, scp.stats().instancesStored());
        }
        String study = in.dataset().getString(Tags.StudyInstanceUID).orElseThrow();
        String sop = in.dataset().getString(Tags.SOPInstanceUID).orElseThrow();
        Path stored = out.resolve(study).resolve(sop + ".dcm");
        DicomFile got = DicomReader.standard().read(stored);
        assertEquals(in.transferSyntax().uid(), got.transferSyntax().uid(), "kept its transfer syntax");
        // storescu itself drops trailing padding (FFFC,FFFC) and writes encapsulated Pixel Data as OB where the
        // source file says OW; everything else must arrive unchanged
        assertEquals(List.of(), DatasetDiff.differences(in.dataset(), got.dataset()).stream()
                .filter(d -> !d.startsWith("(FFFC,FFFC)") && !d.equals("(7FE0,0010) VR OW vs OB")).toList());
        PeerSupport.Result dump = PeerSupport.run(List.of("dcmdump", "-q", stored.toString()), 60);
        assertEquals(0, dump.exitCode(), "DCMTK reads the stored file: " + dump.stderr());
        assertEquals(List.of(stored), NetFixtures.filesUnder(out));
    }

    @Test
    void echoscuGetsSuccessAndAWrongCalledTitleIsRejected() throws Exception {
        PeerSupport.requireCommand("echoscu");
        try (StorageScp scp = StorageScp.start(StorageScpOptions.defaults(SCP, tmp.resolve("out")),
                StorageListener.none())) {
            String port = String.valueOf(scp.port());
            PeerSupport.Result ok = PeerSupport.run(List.of("echoscu", "-aet", "DCMTKSCU", "-aec", "SDKSCP",
                    "127.0.0.1", port), 30);
            assertEquals(0, ok.exitCode(), ok.stdout() + ok.stderr());
            PeerSupport.Result wrong = PeerSupport.run(List.of("echoscu", "-aet", "DCMTKSCU", "-aec", "NOTME",
                    "127.0.0.1", port), 30);
            assertNotEquals(0, wrong.exitCode());
            assertTrue((wrong.stdout() + wrong.stderr()).contains("Called AE Title Not Recognized"),
                    wrong.stdout() + wrong.stderr());
        }
    }

    @Test
    void sdkSendsIntoStorescpEveryTransferSyntaxAsItIs() throws Exception {
        PeerSupport.requireCommand("storescp");
        List<Path> files = new ArrayList<>();
        for (String n : List.of("CT_small.dcm", "MR_small_implicit.dcm", "rtdose_expb.dcm", "image_dfl.dcm",
                "MR_small_RLE.dcm", "SC_rgb_jpeg_gdcm.dcm", "JPEG2000.dcm", "MR_small_jpeg_ls_lossless.dcm")) {
            files.add(PeerSupport.pydicomFile(n));
        }
        Path out = Files.createDirectories(tmp.resolve("storescp"));
        int port = freePort();
        Process p = new ProcessBuilder("storescp", "-v", "-aet", "STORESCP", "-od", out.toString(), "+xa",
                String.valueOf(port)).redirectErrorStream(true).redirectOutput(tmp.resolve("storescp.log").toFile())
                .start();
        try {
            AssociationRequest rq = AssociationRequest.of(AeTitle.of("SDKSCU"), AeTitle.of("STORESCP"),
                    PresentationContexts.forFiles(files));
            try (Association a = openWhenListening(port, rq)) {
                assertEquals(DimseStatus.SUCCESS, a.echo());
                for (Path f : files) {
                    StoreResult r;
                    try {
                        r = a.store(f);
                    } catch (DicomNetworkException e) {
                        throw new AssertionError(f + ": " + e.getMessage() + "\nstorescp said:\n"
                                + Files.readString(tmp.resolve("storescp.log")), e);
                    }
                    assertEquals(DimseStatus.SUCCESS, r.status(), f + ": " + r);
                    DicomFile sent = DicomReader.standard().read(f);
                    assertEquals(sent.transferSyntax().uid(), r.transferSyntaxUid(), f + " went in its own syntax");
                    // storescp drops trailing padding and writes encapsulated Pixel Data as OB, as on receipt above;
                    // storescp has written the file before it answered; several test files share a SOP Instance
                    // UID, so each is checked before the next one overwrites it
                    String sop = sent.dataset().getString(Tags.SOPInstanceUID).orElseThrow();
                    Path match = NetFixtures.filesUnder(out).stream()
                            .filter(x -> x.getFileName().toString().endsWith(sop)).findFirst()
                            .orElseThrow(() -> new AssertionError("storescp has no file for " + f));
                    DicomFile got = DicomReader.standard().read(match);
                    assertEquals(sent.transferSyntax().uid(), got.transferSyntax().uid(), f.toString());
                    assertEquals(List.of(), DatasetDiff.differences(sent.dataset(), got.dataset()).stream()
                            .filter(d -> !d.startsWith("(FFFC,FFFC)") && !d.equals("(7FE0,0010) VR OW vs OB"))
                            .toList(), f.toString());
                }
            }
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    static Association openWhenListening(int port, AssociationRequest rq) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                return Association.open("127.0.0.1", port, rq, AssociationOptions.defaults()
                        .withConnectTimeout(Duration.ofSeconds(2)));
            } catch (DicomNetworkException e) {
                if (System.nanoTime() > deadline || !e.getMessage().startsWith("connection refused")) {
                    throw e;
                }
                Thread.onSpinWait();
                Object o = new Object();
                synchronized (o) {
                    o.wait(50); // the peer process is still starting; retry its port
                }
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
