package dev.deliberate.medical.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomReader;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.dicom.TransferSyntax;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SDK SCU against SDK SCP on loopback: negotiation, C-ECHO, C-STORE durability and the listener API. */
class DimseLoopbackTest {
    private static final AeTitle SCU = AeTitle.of("LOOPSCU");
    private static final AeTitle SCP = AeTitle.of("LOOPSCP");

    @TempDir
    Path tmp;

    private StorageScp start(StorageScpOptions o, StorageListener l) throws Exception {
        return StorageScp.start(o, l);
    }

    @Test
    void storedFilesCarryTheSentDatasetByteForByteAndTheListenerHearsOfThemAndTheStudy() throws Exception {
        List<Path> files = new ArrayList<>(NetFixtures.writeStudy(tmp.resolve("in"), "2.25.77.1", 3, 32,
                TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
        files.addAll(NetFixtures.writeStudy(tmp.resolve("in2"), "2.25.77.1", 0, 32,
                TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN));
        Path implicit = NetFixtures.writeStudy(tmp.resolve("in3"), "2.25.77.2", 1, 16,
                TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN).get(0);
        files.add(implicit);
        List<StoredInstance> heard = new CopyOnWriteArrayList<>();
        List<CompletedStudy> studies = new CopyOnWriteArrayList<>();
        CountDownLatch twoStudies = new CountDownLatch(2);
        StorageScpOptions o = StorageScpOptions.defaults(SCP, tmp.resolve("out"))
                .withStudyCompleteAfter(Duration.ofMillis(300));
        try (StorageScp scp = start(o, new StorageListener() {
            @Override
            public void instanceStored(StoredInstance i) {
                heard.add(i);
            }

            @Override
            public void studyCompleted(CompletedStudy s) {
                studies.add(s);
                twoStudies.countDown();
            }
        })) {
            AssociationRequest rq = AssociationRequest.of(SCU, SCP, PresentationContexts.forFiles(files));
            try (Association a = Association.open("127.0.0.1", scp.port(), rq, AssociationOptions.defaults())) {
                assertEquals(DimseStatus.SUCCESS, a.echo());
                assertEquals(dev.deliberate.medical.dicom.DicomWriter.IMPLEMENTATION_CLASS_UID,
                        a.peerImplementationClassUid());
                for (Path f : files) {
                    StoreResult r = a.store(f);
                    assertTrue(r.status().ok(), r.toString());
                }
            }
            assertTrue(twoStudies.await(10, TimeUnit.SECONDS), "both studies reported complete");
            assertEquals(4, heard.size());
            for (Path f : files) {
                String uid = DicomReader.standard().read(f).dataset().getString(Tags.SOPInstanceUID).orElseThrow();
                String study = DicomReader.standard().read(f).dataset().getString(Tags.StudyInstanceUID).orElseThrow();
                Path stored = tmp.resolve("out").resolve(study).resolve(uid + ".dcm");
                assertArrayEquals(NetFixtures.datasetBytes(f), NetFixtures.datasetBytes(stored), f.toString());
                DicomFile sf = DicomReader.standard().read(stored);
                assertEquals(uid, sf.fileMeta().getString(Tags.MediaStorageSOPInstanceUID).orElseThrow());
                assertEquals("LOOPSCU", sf.fileMeta().getString(Tags.SourceApplicationEntityTitle).orElseThrow());
            }
            assertEquals(Set.of("2.25.77.1", "2.25.77.2"),
                    Set.copyOf(studies.stream().map(CompletedStudy::studyInstanceUid).toList()));
            assertEquals(3, studies.stream().filter(s -> s.studyInstanceUid().equals("2.25.77.1")).findFirst()
                    .orElseThrow().instances().size());
            assertEquals(4, scp.stats().instancesStored());
        }
        assertTrue(NetFixtures.filesUnder(tmp.resolve("out")).stream()
                .noneMatch(p -> p.getFileName().toString().startsWith(".")), "no temporary file left");
    }

    @Test
    void unknownSopClassIsRejectedAtNegotiationAndStoreSaysWhy() throws Exception {
        Path f = NetFixtures.writeStudy(tmp.resolve("in"), "2.25.78", 1, 8, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN)
                .get(0);
        StorageScpOptions o = StorageScpOptions.defaults(SCP, tmp.resolve("out"))
                .withSopClasses(Set.of("1.2.840.10008.5.1.4.1.1.4")); // MR only
        try (StorageScp scp = start(o, StorageListener.none());
             Association a = Association.open("127.0.0.1", scp.port(),
                     AssociationRequest.of(SCU, SCP, PresentationContexts.forFiles(List.of(f))),
                     AssociationOptions.defaults())) {
            NegotiatedContext ct = a.contexts().stream().filter(c -> c.abstractSyntax().equals(NetFixtures.CT))
                    .findFirst().orElseThrow();
            assertEquals(3, ct.result());
            NoPresentationContextException e = assertThrows(NoPresentationContextException.class, () -> a.store(f));
            assertTrue(e.getMessage().contains("abstract syntax not supported"), e.getMessage());
            assertEquals(DimseStatus.SUCCESS, a.echo(), "the association stays usable");
        }
    }

    @Test
    void aeTitlePolicyRejectsWithTheReasonInWords() throws Exception {
        StorageScpOptions o = StorageScpOptions.defaults(SCP, tmp.resolve("out"))
                .withAeTitlePolicy(Set.of(AeTitle.of("FRIEND")), true);
        try (StorageScp scp = start(o, StorageListener.none())) {
            AssociationRejectedException wrongCalled = assertThrows(AssociationRejectedException.class,
                    () -> Association.open("127.0.0.1", scp.port(), AssociationRequest.of(AeTitle.of("FRIEND"),
                            AeTitle.of("OTHER"), PresentationContexts.verification()), AssociationOptions.defaults()));
            assertEquals(7, wrongCalled.reason());
            assertTrue(wrongCalled.getMessage().contains("called AE title not recognized"), wrongCalled.getMessage());
            AssociationRejectedException stranger = assertThrows(AssociationRejectedException.class,
                    () -> Association.open("127.0.0.1", scp.port(), AssociationRequest.of(AeTitle.of("STRANGER"),
                            SCP, PresentationContexts.verification()), AssociationOptions.defaults()));
            assertEquals(3, stranger.reason());
            assertFalse(stranger.transientRejection());
            try (Association a = Association.open("127.0.0.1", scp.port(), AssociationRequest.of(
                    AeTitle.of("FRIEND"), SCP, PresentationContexts.verification()), AssociationOptions.defaults())) {
                assertEquals(DimseStatus.SUCCESS, a.echo());
            }
            assertEquals(2, scp.stats().associationsRejected());
        }
    }

    @Test
    void associationsBeyondThePoolAreRejectedAsTransient() throws Exception {
        StorageScpOptions o = StorageScpOptions.defaults(SCP, tmp.resolve("out")).withMaxAssociations(1);
        try (StorageScp scp = start(o, StorageListener.none());
             Association first = Association.open("127.0.0.1", scp.port(),
                     AssociationRequest.of(SCU, SCP, PresentationContexts.verification()),
                     AssociationOptions.defaults())) {
            AssociationRejectedException busy = assertThrows(AssociationRejectedException.class,
                    () -> Association.open("127.0.0.1", scp.port(), AssociationRequest.of(SCU, SCP,
                            PresentationContexts.verification()), AssociationOptions.defaults()));
            assertTrue(busy.transientRejection());
            assertEquals(3, busy.source());
            assertTrue(busy.getMessage().contains("local limit exceeded"), busy.getMessage());
            assertEquals(DimseStatus.SUCCESS, first.echo());
        }
    }

    @Test
    void smallPdusFragmentAndReassembleBothWays() throws Exception {
        Path f = NetFixtures.writeStudy(tmp.resolve("in"), "2.25.79", 1, 128, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN)
                .get(0);
        StorageScpOptions o = StorageScpOptions.defaults(SCP, tmp.resolve("out"))
                .withAssociation(AssociationOptions.defaults().withMaxPduLength(AssociationOptions.MIN_PDU_LENGTH));
        try (StorageScp scp = start(o, StorageListener.none());
             Association a = Association.open("127.0.0.1", scp.port(),
                     AssociationRequest.of(SCU, SCP, PresentationContexts.forFiles(List.of(f))),
                     AssociationOptions.defaults().withMaxPduLength(AssociationOptions.MIN_PDU_LENGTH))) {
            assertEquals(AssociationOptions.MIN_PDU_LENGTH, a.peerMaxPduLength());
            assertEquals(AssociationOptions.MIN_PDU_LENGTH, a.sendPduLength());
            assertTrue(a.store(f).status().ok());
        }
        Path stored = tmp.resolve("out/2.25.79/2.25.79.1.dcm");
        assertArrayEquals(NetFixtures.datasetBytes(f), NetFixtures.datasetBytes(stored));
    }

    @Test
    void roleSelectionIsAnsweredAndImplementationIdentityExchanged() throws Exception {
        try (StorageScp scp = start(StorageScpOptions.defaults(SCP, tmp.resolve("out")), StorageListener.none());
             Association a = Association.open("127.0.0.1", scp.port(), new AssociationRequest(SCU, SCP,
                     List.of(new PresentationContext(1, NetFixtures.CT, List.of(
                             TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid()))),
                     List.of(new RoleSelection(NetFixtures.CT, true, true))), AssociationOptions.defaults())) {
            assertEquals(List.of(new RoleSelection(NetFixtures.CT, true, false)), a.grantedRoles(),
                    "the SCP keeps the SCU role for the requester and refuses to act as SCU itself");
            assertEquals(dev.deliberate.medical.dicom.DicomWriter.IMPLEMENTATION_VERSION_NAME,
                    a.peerImplementationVersionName());
            assertEquals(AssociationOptions.defaults().maxPduLength(), a.peerMaxPduLength());
            assertTrue(a.contexts().get(0).accepted());
        }
    }

    @Test
    void connectionRefusedIsOneClearSentence() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        int closedPort = port;
        DicomNetworkException e = assertThrows(DicomNetworkException.class, () -> Association.open("127.0.0.1",
                closedPort, AssociationRequest.of(SCU, SCP, PresentationContexts.verification()),
                AssociationOptions.defaults()));
        assertTrue(e.getMessage().startsWith("connection refused by 127.0.0.1:" + closedPort), e.getMessage());
    }

    @Test
    void aFileMetaThatContradictsItsDatasetIsNotBelievedTheDatasetUidIsSent() throws Exception {
        Path f = NetFixtures.writeStudy(tmp.resolve("in"), "2.25.80", 1, 8, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN)
                .get(0);
        DicomFile df = DicomReader.standard().read(f);
        Path liar = tmp.resolve("liar.dcm");
        dev.deliberate.medical.dicom.DicomWriter.standard().write(new DicomFile(df.fileMeta().toBuilder()
                .setString(Tags.MediaStorageSOPInstanceUID, dev.deliberate.medical.dicom.VR.UI, "2.25.999").build(),
                df.dataset(), df.transferSyntax()), liar);
        try (StorageScp scp = start(StorageScpOptions.defaults(SCP, tmp.resolve("out")), StorageListener.none());
             Association a = Association.open("127.0.0.1", scp.port(),
                     AssociationRequest.of(SCU, SCP, PresentationContexts.forFiles(List.of(liar))),
                     AssociationOptions.defaults())) {
            StoreResult r = a.store(liar);
            assertEquals(DimseStatus.SUCCESS, r.status());
            assertEquals("2.25.80.1", r.sopInstanceUid());
        }
        assertEquals(List.of(tmp.resolve("out/2.25.80/2.25.80.1.dcm")), NetFixtures.filesUnder(tmp.resolve("out")));
    }
}
