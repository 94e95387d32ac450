package dev.deliberate.medical.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.medical.dicom.TransferSyntax;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage SCP under load and under misbehaving peers: every acknowledged instance is stored exactly once and
 * intact, a broken association leaves no file, and the SCP keeps serving others.
 */
class ScpFaultsTest {
    private static final AeTitle SCU = AeTitle.of("FAULTSCU");
    private static final AeTitle SCP = AeTitle.of("FAULTSCP");
    private static final String CT_CONTEXT_TS = TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid();

    @TempDir
    Path tmp;

    @Test
    void eightConcurrentSendersOfTwentyFilesEachAreStoredExactlyOnceAndIntact() throws Exception {
        int senders = 8;
        int perSender = 20;
        List<List<Path>> inputs = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            inputs.add(NetFixtures.writeStudy(tmp.resolve("in" + s), "2.25.500." + s, perSender, 64,
                    s % 2 == 0 ? TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN : TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN));
        }
        Path out = tmp.resolve("out");
        try (StorageScp scp = StorageScp.start(StorageScpOptions.defaults(SCP, out).withMaxAssociations(senders),
                StorageListener.none())) {
            ExecutorService pool = Executors.newFixedThreadPool(senders);
            try {
                List<Future<Integer>> done = new ArrayList<>();
                for (List<Path> files : inputs) {
                    done.add(pool.submit(() -> send(scp.port(), files)));
                }
                for (Future<Integer> f : done) {
                    assertEquals(perSender, f.get());
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(senders * perSender, scp.stats().instancesStored());
            assertEquals(0, scp.stats().instancesFailed());
        }
        List<Path> stored = NetFixtures.filesUnder(out);
        assertEquals(senders * perSender, stored.size(), "one file per instance, no temporary files");
        for (int s = 0; s < senders; s++) {
            for (int i = 1; i <= perSender; i++) {
                String study = "2.25.500." + s;
                assertArrayEquals(NetFixtures.datasetBytes(inputs.get(s).get(i - 1)),
                        NetFixtures.datasetBytes(out.resolve(study).resolve(study + "." + i + ".dcm")));
            }
        }
    }

    private static int send(int port, List<Path> files) throws IOException {
        int ok = 0;
        try (Association a = Association.open("127.0.0.1", port,
                AssociationRequest.of(SCU, SCP, PresentationContexts.forFiles(files)), AssociationOptions.defaults())) {
            for (Path f : files) {
                if (a.store(f).status().ok()) {
                    ok++;
                }
            }
        }
        return ok;
    }

    @Test
    void garbageOversizePdusAbortsAndStallsCostOnlyTheirOwnAssociation() throws Exception {
        Path out = tmp.resolve("out");
        List<Path> good = NetFixtures.writeStudy(tmp.resolve("good"), "2.25.600", 10, 64,
                TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        StorageScpOptions o = StorageScpOptions.defaults(SCP, out)
                .withAssociation(AssociationOptions.defaults().withMaxPduLength(16384)
                        .withIdleTimeout(Duration.ofMillis(400)).withArtimTimeout(Duration.ofMillis(400)));
        try (StorageScp scp = StorageScp.start(o, StorageListener.none())) {
            // a stalled peer: half a PDU, then silence; it is aborted by the idle timeout while others are served
            Socket stalled = associate(scp.port());
            stalled.getOutputStream().write(new byte[] {4, 0, 0, 0, 0x10, 0, 0, 0});
            assertEquals(5, send(scp.port(), good.subList(0, 5)), "others are served during the stall");
            assertEquals(Pdus.ABORT, readPduType(stalled), "the stalled association is aborted");
            stalled.close();

            // garbage instead of an association request
            try (Socket g = new Socket("127.0.0.1", scp.port())) {
                g.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals(Pdus.ABORT, readPduType(g));
            }

            // a P-DATA PDU longer than the negotiated maximum
            try (Socket big = associate(scp.port())) {
                byte[] pdu = new byte[6 + 20000];
                pdu[0] = 4;
                putInt(pdu, 2, 20000);
                big.getOutputStream().write(pdu);
                DataInputStream in = new DataInputStream(big.getInputStream());
                assertEquals(Pdus.ABORT, in.readUnsignedByte());
                in.readUnsignedByte();
                assertEquals(4, in.readInt());
                in.readUnsignedShort();
                assertEquals(2, in.readUnsignedByte(), "source: service provider");
                assertEquals(6, in.readUnsignedByte(), "reason: invalid PDU parameter value");
            }

            // a peer that aborts in the middle of a dataset
            long failedBefore = scp.stats().associationsFailed();
            try (Socket ab = associate(scp.port())) {
                OutputStream os = ab.getOutputStream();
                byte[] cmd = new Command().setUid(Command.AFFECTED_SOP_CLASS, NetFixtures.CT)
                        .setUS(Command.COMMAND_FIELD, Command.C_STORE_RQ).setUS(Command.MESSAGE_ID, 1)
                        .setUS(Command.PRIORITY, 0).setUS(Command.DATASET_TYPE, 0)
                        .setUid(Command.AFFECTED_SOP_INSTANCE, "2.25.600.99").encode();
                os.write(pdata(1, 3, cmd));
                os.write(pdata(1, 0, NetFixtures.datasetBytes(good.get(5)), 1000)); // first 1000 bytes, not last
                os.write(Pdus.abort(0, 0));
                os.flush();
            }
            awaitTrue(() -> scp.stats().associationsFailed() >= failedBefore + 1);

            // a command set whose element length runs past its end
            try (Socket bad = associate(scp.port())) {
                byte[] cmd = {0, 0, 0, 1, (byte) 0xFF, (byte) 0xFF, 0, 0, 1, 2};
                bad.getOutputStream().write(pdata(1, 3, cmd));
                assertEquals(Pdus.ABORT, readPduType(bad));
            }

            // and afterwards the SCP serves normally
            assertEquals(5, send(scp.port(), good.subList(5, 10)));
            assertEquals(10, scp.stats().instancesStored());
        }
        List<Path> stored = NetFixtures.filesUnder(out);
        assertEquals(10, stored.size(), "only the acknowledged instances, no partial or temporary file: " + stored);
        for (int i = 0; i < 10; i++) {
            assertArrayEquals(NetFixtures.datasetBytes(good.get(i)),
                    NetFixtures.datasetBytes(out.resolve("2.25.600/2.25.600." + (i + 1) + ".dcm")));
        }
    }

    @Test
    void datasetOverTheLimitAbortsAndStoresNothing() throws Exception {
        Path out = tmp.resolve("out");
        List<Path> files = NetFixtures.writeStudy(tmp.resolve("in"), "2.25.700", 2, 64,
                TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        try (StorageScp scp = StorageScp.start(StorageScpOptions.defaults(SCP, out).withMaxDatasetLength(4000),
                StorageListener.none());
             Association a = Association.open("127.0.0.1", scp.port(),
                     AssociationRequest.of(SCU, SCP, PresentationContexts.forFiles(files)),
                     AssociationOptions.defaults())) {
            AssociationAbortedException e = org.junit.jupiter.api.Assertions.assertThrows(
                    AssociationAbortedException.class, () -> a.store(files.get(0)));
            assertEquals(2, e.source());
            assertEquals(6, e.reason());
        }
        assertEquals(List.of(), NetFixtures.filesUnder(out));
    }

    @Test
    void verificationOnlyScpRejectsStorageContexts() throws Exception {
        try (StorageScp scp = StorageScp.start(StorageScpOptions.defaults(SCP, tmp.resolve("out"))
                .withSopClasses(Set.of()), StorageListener.none());
             Association a = Association.open("127.0.0.1", scp.port(), AssociationRequest.of(SCU, SCP,
                     PresentationContexts.forFiles(NetFixtures.writeStudy(tmp.resolve("in"), "2.25.800", 1, 8,
                             TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN))), AssociationOptions.defaults())) {
            assertEquals(List.of(0, 3, 3), a.contexts().stream().map(NegotiatedContext::result).toList());
        }
    }

    @Test
    void aDatasetWhoseUidDiffersFromTheCommandGetsA900AndLeavesNoFile() throws Exception {
        Path out = tmp.resolve("out");
        Path f = NetFixtures.writeStudy(tmp.resolve("in"), "2.25.900", 1, 8, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN)
                .get(0);
        try (StorageScp scp = StorageScp.start(StorageScpOptions.defaults(SCP, out), StorageListener.none());
             Socket s = associate(scp.port())) {
            byte[] cmd = new Command().setUid(Command.AFFECTED_SOP_CLASS, NetFixtures.CT)
                    .setUS(Command.COMMAND_FIELD, Command.C_STORE_RQ).setUS(Command.MESSAGE_ID, 7)
                    .setUS(Command.PRIORITY, 0).setUS(Command.DATASET_TYPE, 0)
                    .setUid(Command.AFFECTED_SOP_INSTANCE, "2.25.900.999").encode();
            s.getOutputStream().write(pdata(1, 3, cmd));
            s.getOutputStream().write(pdata(1, 2, NetFixtures.datasetBytes(f)));
            Link l = new Link(s, 1 << 20);
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            l.readCommandInto(b, false);
            Command rsp = Command.decode(b.toByteArray(), b.size());
            assertEquals(Command.C_STORE_RSP, rsp.commandField());
            assertEquals(7, rsp.requireUS(Command.MESSAGE_ID_RESPONDED));
            assertEquals(0xA900, rsp.status().code());
            assertEquals(1, scp.stats().instancesFailed());
        }
        assertEquals(List.of(), NetFixtures.filesUnder(out));
    }

    private static Socket associate(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        AssociationRequest rq = AssociationRequest.of(SCU, SCP, List.of(new PresentationContext(1, NetFixtures.CT,
                List.of(CT_CONTEXT_TS))));
        s.getOutputStream().write(Pdus.associateRq(rq, 16384, 1));
        assertEquals(Pdus.ASSOCIATE_AC, readPduType(s));
        return s;
    }

    /** Reads one PDU and returns its type (-1 at end of stream). */
    private static int readPduType(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        int type = in.read();
        if (type < 0) {
            return -1;
        }
        in.readUnsignedByte();
        int len = in.readInt();
        in.readFully(new byte[len]);
        return type;
    }

    private static byte[] pdata(int pcid, int control, byte[] data) {
        return pdata(pcid, control, data, data.length);
    }

    private static byte[] pdata(int pcid, int control, byte[] data, int n) {
        byte[] b = new byte[12 + n];
        b[0] = 4;
        putInt(b, 2, n + 6);
        putInt(b, 6, n + 2);
        b[10] = (byte) pcid;
        b[11] = (byte) control;
        System.arraycopy(data, 0, b, 12, n);
        return b;
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    /** Waits (bounded, 10 s) for a condition the SCP's own thread makes true. */
    private static void awaitTrue(BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        Object lock = new Object();
        while (!c.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not reached in 10 s");
            synchronized (lock) {
                lock.wait(10);
            }
        }
    }
}
