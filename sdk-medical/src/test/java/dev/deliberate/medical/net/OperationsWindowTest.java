package dev.deliberate.medical.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.medical.dicom.TransferSyntax;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The asynchronous operations window (PS3.7 D.3.3.3): what is negotiated, how it is encoded, that it is used. */
class OperationsWindowTest {
    private static final AeTitle SCU = AeTitle.of("WINSCU");
    private static final AeTitle SCP = AeTitle.of("WINSCP");

    @TempDir
    Path tmp;

    @Test
    void theRequesterGetsTheSmallerOfWhatItAsksAndTheAcceptorAllows() throws Exception {
        int[][] cases = {{16, 16, 16}, {4, 16, 4}, {16, 2, 2}, {1, 16, 1}, {16, 1, 1}, {64, 64, 64}};
        for (int[] c : cases) {
            try (StorageScp scp = StorageScp.start(StorageScpOptions.defaults(SCP, tmp.resolve("out"))
                    .withAssociation(AssociationOptions.defaults().withMaxOperations(c[1])), StorageListener.none());
                    Association a = Association.open("127.0.0.1", scp.port(), AssociationRequest.of(SCU, SCP,
                            PresentationContexts.verification()),
                            AssociationOptions.defaults().withMaxOperations(c[0]))) {
                assertEquals(c[2], a.operationsWindow(), () -> "asked " + c[0] + ", allowed " + c[1]);
                assertTrue(a.echo().ok());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> AssociationOptions.defaults().withMaxOperations(0));
        assertThrows(IllegalArgumentException.class,
                () -> AssociationOptions.defaults().withMaxOperations(AssociationOptions.MAX_OPERATIONS + 1));
    }

    @Test
    void theSubItemIsSentOnlyWhenMoreThanOneIsAskedAndIsReadBack() {
        AssociationRequest rq = AssociationRequest.of(SCU, SCP, PresentationContexts.verification());
        byte[] sync = Pdus.associateRq(rq, 16384, 1);
        byte[] eight = Pdus.associateRq(rq, 16384, 8);
        byte[] item = {0x53, 0, 0, 4, 0, 8, 0, 1}; // invoked 8, performed 1, big endian
        assertEquals(-1, indexOf(sync, new byte[] {0x53, 0, 0, 4}), "synchronous: no window sub-item");
        assertTrue(indexOf(eight, item) > 0, "window sub-item with invoked 8, performed 1");
        assertEquals(-1, Pdus.decodeAssociate(Arrays.copyOfRange(sync, 6, sync.length), sync.length - 6, false)
                .operationsInvoked());
        assertEquals(8, Pdus.decodeAssociate(Arrays.copyOfRange(eight, 6, eight.length), eight.length - 6, false)
                .operationsInvoked());
        // the acceptor never grants more than was asked, and answers nothing to a request without the sub-item
        Pdus.Associate asked = Pdus.decodeAssociate(Arrays.copyOfRange(eight, 6, eight.length), eight.length - 6,
                false);
        byte[] ac = Pdus.associateAc(asked, List.of(), List.of(), 16384, 64);
        assertEquals(8, Pdus.decodeAssociate(Arrays.copyOfRange(ac, 6, ac.length), ac.length - 6, true)
                .operationsInvoked());
        Pdus.Associate notAsked = Pdus.decodeAssociate(Arrays.copyOfRange(sync, 6, sync.length), sync.length - 6,
                false);
        byte[] ac2 = Pdus.associateAc(notAsked, List.of(), List.of(), 16384, 64);
        assertEquals(-1, Pdus.decodeAssociate(Arrays.copyOfRange(ac2, 6, ac2.length), ac2.length - 6, true)
                .operationsInvoked());
        // a window sub-item of the wrong length is a protocol error, not a guess
        byte[] bad = eight.clone();
        int at = indexOf(bad, item);
        bad[at + 3] = 3;
        assertThrows(DicomProtocolException.class,
                () -> Pdus.decodeAssociate(Arrays.copyOfRange(bad, 6, bad.length), bad.length - 6, false));
    }

    /**
     * Between the sender and the SCP sits a proxy that passes the A-ASSOCIATE-AC and then holds every answer back
     * until the sender has sent more than two files. A sender that waited for each answer would wait for ever (the
     * proxy gives up after 20 s and the files fail); with a window of 4 all 12 files go through.
     */
    @Test
    void requestsGoOutBeforeTheFirstAnswerComes() throws Exception {
        List<Path> files = NetFixtures.writeStudy(tmp.resolve("in"), "2.25.81", 12, 16,
                TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        long fileBytes = Files.size(files.get(0));
        try (StorageScp scp = StorageScp.start(StorageScpOptions.defaults(SCP, tmp.resolve("out")),
                StorageListener.none());
                HoldingProxy proxy = new HoldingProxy(scp.port(), 2 * fileBytes + fileBytes / 2)) {
            StoreScu.Target t = new StoreScu.Target("127.0.0.1", proxy.port(), SCU, SCP,
                    AssociationOptions.defaults().withMaxOperations(4));
            StoreScu.Summary s = StoreScu.send(t, files, p -> { });
            assertFalse(proxy.gaveUp.get(), "the answers were held until more than two files had been sent");
            assertEquals(12, s.stored(), () -> s.outcomes().stream().filter(o -> !o.ok()).toList().toString());
            List<Path> stored = NetFixtures.filesUnder(tmp.resolve("out"));
            assertEquals(12, stored.size());
            List<byte[]> sent = new ArrayList<>();
            for (Path f : files) {
                sent.add(NetFixtures.datasetBytes(f));
            }
            for (Path f : stored) {
                byte[] got = NetFixtures.datasetBytes(f);
                assertTrue(sent.stream().anyMatch(b -> Arrays.equals(b, got)), "stored intact: " + f);
            }
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (Arrays.equals(Arrays.copyOfRange(hay, i, i + needle.length), needle)) {
                return i;
            }
        }
        return -1;
    }

    /** A one-connection TCP proxy that holds the acceptor's PDUs after the first until enough was sent to it. */
    private static final class HoldingProxy implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final AtomicLong sentAfterAccept = new AtomicLong();
        private final AtomicBoolean accepted = new AtomicBoolean();
        private final CountDownLatch enoughSent = new CountDownLatch(1);
        final AtomicBoolean gaveUp = new AtomicBoolean();
        private final List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Thread acceptor;

        HoldingProxy(int scpPort, long hold) throws IOException {
            acceptor = new Thread(() -> {
                try {
                    Socket c = server.accept();
                    Socket u = new Socket(InetAddress.getLoopbackAddress(), scpPort);
                    sockets.add(c);
                    sockets.add(u);
                    Thread up = new Thread(() -> pump(c, u, n -> {
                        if (accepted.get() && sentAfterAccept.addAndGet(n) > hold) {
                            enoughSent.countDown();
                        }
                    }), "proxy-up");
                    up.setDaemon(true);
                    up.start();
                    DataInputStream in = new DataInputStream(u.getInputStream());
                    OutputStream out = c.getOutputStream();
                    byte[] head = new byte[6];
                    in.readFully(head);
                    int len = (head[2] & 0xFF) << 24 | (head[3] & 0xFF) << 16 | (head[4] & 0xFF) << 8 | head[5] & 0xFF;
                    byte[] body = new byte[len];
                    in.readFully(body);
                    accepted.set(true);
                    out.write(head);
                    out.write(body);
                    out.flush();
                    if (!enoughSent.await(20, TimeUnit.SECONDS)) {
                        gaveUp.set(true);
                        closeAll();
                        return;
                    }
                    pump(u, c, n -> { });
                } catch (IOException | InterruptedException e) {
                    closeAll();
                }
            }, "proxy");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void pump(Socket from, Socket to, java.util.function.LongConsumer counted) {
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                byte[] b = new byte[8192];
                for (int n; (n = in.read(b)) > 0; ) {
                    out.write(b, 0, n);
                    out.flush();
                    counted.accept(n);
                }
                to.shutdownOutput();
            } catch (IOException e) {
                closeAll();
            }
        }

        private void closeAll() {
            for (Socket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }

        @Override
        public void close() throws Exception {
            server.close();
            closeAll();
            acceptor.join(TimeUnit.SECONDS.toMillis(30));
        }
    }
}
