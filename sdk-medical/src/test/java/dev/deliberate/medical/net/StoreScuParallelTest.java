package dev.deliberate.medical.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.medical.dicom.TransferSyntax;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StoreScu#send(StoreScu.Target, List, int, java.util.function.Consumer)} with several associations. */
class StoreScuParallelTest {
    private static final AeTitle SCP = AeTitle.of("PARSCP");
    private static final AeTitle SCU = AeTitle.of("PARSCU");

    @TempDir
    Path tmp;

    private static StoreScu.Target target(int port) {
        return new StoreScu.Target("127.0.0.1", port, SCU, SCP, AssociationOptions.defaults());
    }

    /** Every file stored once and intact, progress counted once per file in order, whatever the association count. */
    @Test
    void severalAssociationsStoreEveryFileOnceAndIntact() throws Exception {
        List<Path> files = new ArrayList<>(NetFixtures.writeStudy(tmp.resolve("in"), "2.25.71", 60, 8,
                TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
        files.addAll(NetFixtures.writeStudy(tmp.resolve("in2"), "2.25.72", 20, 8,
                TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN));
        Files.writeString(tmp.resolve("in/notes.txt"), "not dicom");
        files.add(tmp.resolve("in/notes.txt"));
        for (int associations : new int[] {1, 3, 16}) {
            Path out = tmp.resolve("out" + associations);
            Map<String, Integer> peers = new ConcurrentHashMap<>();
            try (StorageScp scp = StorageScp.start(StorageScpOptions.defaults(SCP, out), new StorageListener() {
                @Override
                public void instanceStored(StoredInstance i) {
                    peers.merge(i.sopInstanceUid(), 1, Integer::sum);
                }
            })) {
                List<Integer> done = new ArrayList<>();
                StoreScu.Summary s = StoreScu.send(target(scp.port()), files, associations,
                        p -> done.add(p.done()));
                assertEquals(80, s.stored(), "associations " + associations);
                assertEquals(1, s.failed());
                assertEquals(files.size(), s.outcomes().size());
                for (int i = 0; i < files.size(); i++) {
                    assertEquals(files.get(i), s.outcomes().get(i).file(), "outcomes in the files' order");
                }
                List<Integer> expected = new ArrayList<>();
                for (int i = 1; i <= files.size(); i++) {
                    expected.add(i);
                }
                assertEquals(expected, done, "one progress call per file, counted in order");
            } // closing the SCP delivers every pending listener call
            assertEquals(80, peers.size());
            assertEquals(List.of(1), peers.values().stream().distinct().toList(), "each instance stored once");
            List<Path> stored = NetFixtures.filesUnder(out);
            assertEquals(80, stored.size());
            for (Path f : files.subList(0, 80)) {
                String uid = f.getParent().getFileName().toString().equals("in") ? "2.25.71." : "2.25.72.";
                String n = f.getFileName().toString().replaceAll("\\D", "");
                Path copy = out.resolve(uid.substring(0, uid.length() - 1)).resolve(uid + n + ".dcm");
                assertArrayEquals(NetFixtures.datasetBytes(f), NetFixtures.datasetBytes(copy), copy.toString());
            }
        }
    }

    /** An SCP that serves one association at a time rejects the others as busy: the accepted one sends it all. */
    @Test
    void anScpThatRefusesExtraAssociationsStillGetsEveryFile() throws Exception {
        List<Path> files = NetFixtures.writeStudy(tmp.resolve("in"), "2.25.73", 40, 8,
                TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        try (StorageScp scp = StorageScp.start(StorageScpOptions.defaults(SCP, tmp.resolve("out"))
                .withMaxAssociations(1), StorageListener.none())) {
            StoreScu.Summary s = StoreScu.send(target(scp.port()), files, 4, p -> { });
            assertEquals(40, s.stored(), s.outcomes().stream().filter(o -> !o.ok()).toList().toString());
        }
    }

    /**
     * The SCP aborts the association that carries a dataset over its limit. The files sent behind it and not yet
     * answered go again, each alone, over another association (or a fresh one when it was the only one); the big file
     * is reported after the second association it breaks, and every other file is stored exactly once.
     */
    @Test
    void anAbortedAssociationReportsItsFileAndTheOthersCarryOn() throws Exception {
        List<Path> files = new ArrayList<>(NetFixtures.writeStudy(tmp.resolve("small"), "2.25.75", 30, 8,
                TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
        Path big = NetFixtures.writeStudy(tmp.resolve("big"), "2.25.76", 1, 64,
                TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN).get(0);
        files.add(10, big); // over the 4,000-byte limit below; the small ones are about 400 bytes
        for (int maxOps : new int[] {1, 16}) {
            for (int associations : new int[] {1, 3}) {
                Path out = tmp.resolve("out" + associations + "-" + maxOps);
                List<StoreScu.Progress> progress = java.util.Collections.synchronizedList(new ArrayList<>());
                try (StorageScp scp = StorageScp.start(StorageScpOptions.defaults(SCP, out)
                        .withMaxDatasetLength(4000), StorageListener.none())) {
                    StoreScu.Target t = new StoreScu.Target("127.0.0.1", scp.port(), SCU, SCP,
                            AssociationOptions.defaults().withMaxOperations(maxOps));
                    StoreScu.Summary s = StoreScu.send(t, files, associations, progress::add);
                    String how = associations + " association(s), window " + maxOps;
                    StoreScu.Outcome bigOutcome = s.outcomes().get(10);
                    assertTrue(bigOutcome.error().orElse("").contains("aborted") && !bigOutcome.ok(),
                            how + ": " + bigOutcome);
                    assertEquals(30, s.stored(), () -> how + ": the rest was carried: " + s.stored() + " "
                            + s.outcomes().stream().filter(o -> !o.ok()).toList());
                    assertEquals(files.size(), s.outcomes().size());
                    assertEquals(files.size(), progress.size(), how + ": one progress call per file");
                    scp.close(); // waits for the SCP's association threads, which count the failures as they end
                    assertEquals(2, scp.stats().associationsFailed(), how + ": the big file broke two associations");
                }
                List<Path> stored = NetFixtures.filesUnder(out);
                assertEquals(30, stored.size(), "each small file stored once: " + stored);
            }
        }
    }

    @Test
    void nobodyListeningIsStillAnErrorAndTheCountIsChecked() throws Exception {
        List<Path> files = NetFixtures.writeStudy(tmp.resolve("in"), "2.25.74", 3, 8,
                TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        assertThrows(DicomNetworkException.class, () -> StoreScu.send(target(port), files, 3, p -> { }));
        assertThrows(IllegalArgumentException.class, () -> StoreScu.send(target(port), files, 0, p -> { }));
        assertThrows(IllegalArgumentException.class,
                () -> StoreScu.send(target(port), files, StoreScu.MAX_ASSOCIATIONS + 1, p -> { }));
    }

}
