package dev.deliberate.bench;

import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomWriter;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.dicom.TransferSyntax;
import dev.deliberate.medical.dicom.VR;
import dev.deliberate.medical.net.AeTitle;
import dev.deliberate.medical.net.Association;
import dev.deliberate.medical.net.AssociationOptions;
import dev.deliberate.medical.net.AssociationRequest;
import dev.deliberate.medical.net.DicomNetworkException;
import dev.deliberate.medical.net.Durability;
import dev.deliberate.medical.net.PresentationContexts;
import dev.deliberate.medical.net.StorageListener;
import dev.deliberate.medical.net.StorageScp;
import dev.deliberate.medical.net.StorageScpOptions;
import dev.deliberate.medical.net.StoreScu;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * C-STORE throughput as whole commands, SDK to SDK against DCMTK to DCMTK, same files, same run.
 *
 * <ul>
 *   <li>reference: {@code storescp +xa} receiving, {@code storescu +sd DIR} sending, both with the environment
 *       variable {@code TCP_NODELAY=1} (DCMTK's fast setting; its default waits on Nagle/delayed ACK per instance);
 *   <li>SDK: {@code deliberate dicom listen} receiving, once with the default durability (each instance fsynced and
 *       renamed before it is acknowledged) and once with {@code --durability ATOMIC_RENAME} (renamed, not fsynced:
 *       what storescp offers, which writes in place without fsync), {@code ./deliberate dicom send --quiet DIR}
 *       sending through the launcher as a user runs it (C1 only and an AppCDS archive for {@code dicom send}, made by
 *       an untimed first run), the same with {@code DELIBERATE_NO_CDS=1} (a plain JVM, as before), the
 *       launcher with {@code --associations 2} (two associations at once; storescu has no such option), and the
 *       launcher with {@code --max-ops 1} (synchronous: no asynchronous operations window, one request answered
 *       before the next goes, as storescu sends; by default the SDK keeps up to 16 unanswered where the SCP agrees);
 *   <li>receiving: {@code storescu} sending into {@code deliberate dicom listen --durability ATOMIC_RENAME}, against
 *       the reference's {@code storescp}: the same sender, only the receiver differs (a modality sending to a node).
 * </ul>
 *
 * The files and both receivers' folders are under {@code java.io.tmpdir}: on a shared virtual disk the write-back of
 * 20-200 MB per round dominates and varies from round to round, so also run it with
 * {@code -Djava.io.tmpdir=/dev/shm} (memory) to compare the protocol and process costs alone.
 *
 * For reference it also times the library alone: SDK SCU to SDK SCP inside this JVM, warmed up by at least 10,000
 * files, with the default window and synchronously.
 *
 * The timed part is the sending command from start to exit (JVM or process start included); the receivers run for
 * the whole benchmark and each round's output folder is checked to hold every instance. Rounds alternate between the
 * variants, each round starting with another one, and every timed command starts after {@code sync}; the median of
 * each is reported with the ratio DCMTK time / SDK time (above 1: the SDK is faster).
 *
 * <pre>
 * ./mvnw -q -B -pl cli,benchmarks -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" dev.deliberate.bench.CStoreBench [FILES] [ROUNDS]
 * </pre>
 */
public final class CStoreBench {
    private CStoreBench() {}

    /** @param args optional: number of files (default 500), rounds (default 5), path of deliberate-cli.jar */
    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path jar = Path.of(args.length > 2 ? args[2] : "cli/target/deliberate-cli.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("build the CLI first (./mvnw -pl cli -am package): no " + jar);
        }
        String launcher = jar.getParent().getParent().getParent().resolve("deliberate").toString();
        if (!Files.isExecutable(Path.of(launcher))) {
            throw new IllegalStateException("run from the repository root: no launcher " + launcher);
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Path work = Files.createTempDirectory("deliberate-cstore-bench");
        Process dcmtkScp = null;
        Process sdkScp = null;
        Process sdkScpRename = null;
        try {
            Path files = work.resolve("files");
            long bytes = generate(files, count);
            int dcmtkPort = freePort();
            int sdkPort = freePort();
            int renamePort = freePort();
            Path dcmtkOut = Files.createDirectories(work.resolve("dcmtk-out"));
            Path sdkOut = Files.createDirectories(work.resolve("sdk-out"));
            Path renameOut = Files.createDirectories(work.resolve("sdk-rename-out"));
            dcmtkScp = start(work, "storescp.log", List.of("storescp", "-aet", "STORESCP", "-od", dcmtkOut.toString(),
                    "+xa", String.valueOf(dcmtkPort)));
            sdkScp = start(work, "listen.log", List.of(java, "-XX:-UsePerfData", "-jar", jar.toString(), "dicom",
                    "listen", "--aet", "SDKSCP", "--port", String.valueOf(sdkPort), "--dir", sdkOut.toString()));
            sdkScpRename = start(work, "listen-rename.log", List.of(java, "-XX:-UsePerfData", "-jar", jar.toString(),
                    "dicom", "listen", "--aet", "SDKSCP", "--port", String.valueOf(renamePort), "--dir",
                    renameOut.toString(), "--durability", "ATOMIC_RENAME"));
            awaitListening(dcmtkPort, "STORESCP");
            awaitListening(renamePort, "SDKSCP");
            awaitListening(sdkPort, "SDKSCP");
            System.out.printf(Locale.ROOT, "C-STORE of %d files (%.1f MB, %.0f KB each), %d cores, %d rounds%n",
                    count, bytes / 1e6, bytes / 1e3 / count, Runtime.getRuntime().availableProcessors(), rounds);
            List<Double> dcmtk = new ArrayList<>();
            List<Double> sdk = new ArrayList<>();
            List<Double> rename = new ArrayList<>();
            List<Double> plain = new ArrayList<>();
            List<Double> parallel = new ArrayList<>();
            List<Double> synchronous = new ArrayList<>();
            List<Double> dcmtkToSdk = new ArrayList<>();
            // untimed: the launcher's first dicom send makes its class-data archive
            timed(work, List.of(launcher, "dicom", "send", "--quiet", "--aet", "BENCH", "--called", "SDKSCP",
                    "--port", String.valueOf(renamePort), files.toString()), false);
            String rp = String.valueOf(renamePort);
            List<Variant> variants = List.of(
                    new Variant(dcmtk, List.of("storescu", "-aet", "BENCH", "-aec", "STORESCP", "+sd", "127.0.0.1",
                            String.valueOf(dcmtkPort), files.toString()), false, dcmtkOut, "storescp"),
                    new Variant(sdk, List.of(launcher, "dicom", "send", "--quiet", "--aet", "BENCH", "--called",
                            "SDKSCP", "--port", String.valueOf(sdkPort), files.toString()), false, sdkOut,
                            "deliberate dicom listen"),
                    new Variant(rename, List.of(launcher, "dicom", "send", "--quiet", "--aet", "BENCH", "--called",
                            "SDKSCP", "--port", rp, files.toString()), false, renameOut,
                            "deliberate dicom listen --durability ATOMIC_RENAME"),
                    new Variant(plain, List.of(launcher, "dicom", "send", "--quiet", "--aet", "BENCH", "--called",
                            "SDKSCP", "--port", rp, files.toString()), true, renameOut,
                            "deliberate dicom listen --durability ATOMIC_RENAME (plain JVM sender)"),
                    new Variant(parallel, List.of(launcher, "dicom", "send", "--quiet", "--associations", "2",
                            "--aet", "BENCH", "--called", "SDKSCP", "--port", rp, files.toString()), false,
                            renameOut, "deliberate dicom listen --durability ATOMIC_RENAME (2 associations)"),
                    new Variant(synchronous, List.of(launcher, "dicom", "send", "--quiet", "--max-ops", "1",
                            "--aet", "BENCH", "--called", "SDKSCP", "--port", rp, files.toString()), false,
                            renameOut, "deliberate dicom listen --durability ATOMIC_RENAME (synchronous sender)"),
                    new Variant(dcmtkToSdk, List.of("storescu", "-aet", "BENCH", "-aec", "SDKSCP", "+sd",
                            "127.0.0.1", rp, files.toString()), false, renameOut,
                            "deliberate dicom listen --durability ATOMIC_RENAME (storescu sending)"));
            for (int r = 0; r < rounds; r++) {
                // each round starts with another variant, and every timed command starts after a sync: on a
                // shared disk no command pays for the write-back of the one before it
                for (int k = 0; k < variants.size(); k++) {
                    Variant v = variants.get((r + k) % variants.size());
                    clear(v.out());
                    sync();
                    v.times().add(timed(work, v.command(), v.plainJvm()));
                    check(v.out(), count, v.who());
                }
                System.out.printf(Locale.ROOT, "  round %d: DCMTK %.3f s, SDK fsync %.3f s, SDK rename %.3f s,"
                        + " SDK rename, plain JVM sender %.3f s, SDK rename, 2 associations %.3f s, SDK rename,"
                        + " synchronous %.3f s, storescu into SDK rename %.3f s%n", r + 1, dcmtk.get(r), sdk.get(r),
                        rename.get(r), plain.get(r), parallel.get(r), synchronous.get(r), dcmtkToSdk.get(r));
            }
            // the library without process start or JIT warm-up: one JVM, SCU and SCP warmed up by at least 10,000
            // files (fewer leave the compiler half done), then the default window and a synchronous sender in turns
            List<Double> inProcess = new ArrayList<>();
            List<Double> inProcessSync = new ArrayList<>();
            Path inOut = Files.createDirectories(work.resolve("in-process-out"));
            List<Path> list = StoreScu.expand(List.of(files));
            try (StorageScp scp = StorageScp.start(StorageScpOptions.defaults(AeTitle.of("INPROC"), inOut)
                    .withDurability(Durability.ATOMIC_RENAME), StorageListener.none())) {
                int warmUp = Math.max(1, (10_000 + count - 1) / count);
                for (int r = 1 - warmUp; r <= rounds; r++) {
                    for (int k = 0; k < 2; k++) {
                        boolean sync = (r + k + warmUp) % 2 == 1;
                        StoreScu.Target t = new StoreScu.Target("127.0.0.1", scp.port(), AeTitle.of("BENCH"),
                                AeTitle.of("INPROC"), AssociationOptions.defaults()
                                        .withMaxOperations(sync ? 1 : AssociationOptions.defaults().maxOperations()));
                        clear(inOut);
                        sync();
                        long t0 = System.nanoTime();
                        StoreScu.Summary sum = StoreScu.send(t, list, p -> { });
                        if (r > 0) {
                            (sync ? inProcessSync : inProcess).add((System.nanoTime() - t0) / 1e9);
                        }
                        if (sum.stored() != count) {
                            throw new IllegalStateException("in-process SCP stored " + sum.stored());
                        }
                    }
                }
            }
            double d = report("DCMTK storescu -> storescp (TCP_NODELAY=1):", dcmtk, count);
            double s = report("SDK   dicom send -> dicom listen (fsync each):", sdk, count);
            double n = report("SDK   dicom send -> dicom listen (atomic rename):", rename, count);
            report("SDK   same, DELIBERATE_NO_CDS=1 (plain JVM):", plain, count);
            double pa = report("SDK   same, --associations 2:", parallel, count);
            double sy = report("SDK   same, --max-ops 1 (synchronous sender):", synchronous, count);
            double ds = report("DCMTK storescu -> SDK dicom listen (atomic rename):", dcmtkToSdk, count);
            System.out.printf(Locale.ROOT, "      (receiving: storescp time / SDK listen time %.2fx)%n", d / ds);
            double ip = median(inProcess);
            double ips = median(inProcessSync);
            System.out.printf(Locale.ROOT, "SDK   library in one warm JVM (atomic rename):  %.3f s, %.0f files/s;"
                    + " synchronous %.3f s (window speed-up %.2fx)%n", ip, count / ip, ips, ips / ip);
            System.out.printf(Locale.ROOT, "ratio DCMTK time / SDK time (above 1: SDK faster): %.2fx with fsync;"
                    + " without fsync (as storescp): %.2fx default send, %.2fx synchronous sender (the protocol"
                    + " storescu speaks), %.2fx with --associations 2; load average %.1f%n", d / s, d / n, d / sy,
                    d / pa, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        } finally {
            stop(dcmtkScp);
            stop(sdkScp);
            stop(sdkScpRename);
            try (Stream<Path> st = Files.walk(work)) {
                st.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** CT-like 16-bit 140x140 images in explicit VR little endian, about 39 KB each, in 5 series. */
    private static long generate(Path dir, int count) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(42);
        long total = 0;
        for (int i = 0; i < count; i++) {
            byte[] pixels = new byte[140 * 140 * 2];
            random.nextBytes(pixels);
            DicomObject ds = DicomObject.builder()
                    .setString(Tags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.2")
                    .setString(Tags.SOPInstanceUID, "2.25.8080." + i)
                    .setString(Tags.StudyInstanceUID, "2.25.8080")
                    .setString(Tags.SeriesInstanceUID, "2.25.8080.0." + (i % 5))
                    .setString(Tags.Modality, "CT")
                    .setString(Tags.PatientName, "Bench^Mark")
                    .setString(Tags.PatientID, "BENCH")
                    .setInt(Tags.InstanceNumber, i)
                    .setInt(Tags.Rows, 140).setInt(Tags.Columns, 140)
                    .setInt(Tags.BitsAllocated, 16).setInt(Tags.BitsStored, 16).setInt(Tags.HighBit, 15)
                    .setInt(Tags.PixelRepresentation, 0).setInt(Tags.SamplesPerPixel, 1)
                    .setString(Tags.PhotometricInterpretation, "MONOCHROME2")
                    .setBytes(Tags.PixelData, VR.OW, pixels)
                    .build();
            Path f = dir.resolve(String.format(Locale.ROOT, "ct%05d.dcm", i));
            DicomWriter.standard().write(new DicomFile(DicomObject.empty(), ds,
                    TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN), f);
            total += Files.size(f);
        }
        return total;
    }

    /** One command to time, the list its times go to, and the folder its receiver writes. */
    private record Variant(List<Double> times, List<String> command, boolean plainJvm, Path out, String who) {}

    /** Writes back everything dirty (untimed), so that the next timed command starts from a clean page cache. */
    private static void sync() throws Exception {
        Process p = new ProcessBuilder("sync").inheritIO().start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("sync failed");
        }
    }

    private static ProcessBuilder withNoDelay(ProcessBuilder pb) {
        pb.environment().put("TCP_NODELAY", "1");
        return pb;
    }

    private static Process start(Path work, String log, List<String> cmd) throws IOException {
        return withNoDelay(new ProcessBuilder(cmd)).redirectErrorStream(true)
                .redirectOutput(work.resolve(log).toFile()).start();
    }

    private static double timed(Path work, List<String> cmd, boolean plainJvm) throws Exception {
        File log = work.resolve("sender.log").toFile();
        ProcessBuilder pb = withNoDelay(new ProcessBuilder(cmd));
        if (plainJvm) {
            pb.environment().put("DELIBERATE_NO_CDS", "1");
        } else {
            pb.environment().remove("DELIBERATE_NO_CDS");
        }
        long t0 = System.nanoTime();
        Process p = pb.redirectErrorStream(true).redirectOutput(log).start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + cmd);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        if (p.exitValue() != 0) {
            throw new IllegalStateException(cmd.get(0) + " failed (" + p.exitValue() + "): "
                    + Files.readString(log.toPath()));
        }
        return s;
    }

    private static void check(Path out, int count, String who) throws IOException {
        long n;
        try (Stream<Path> s = Files.walk(out)) {
            n = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).count();
        }
        if (n != count) {
            throw new IllegalStateException(who + " holds " + n + " files, expected " + count);
        }
    }

    private static void clear(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(dir)).forEach(p -> p.toFile().delete());
        }
    }

    private static void awaitListening(int port, String ae) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        AssociationRequest rq = AssociationRequest.of(AeTitle.of("BENCH"), AeTitle.of(ae),
                PresentationContexts.verification());
        while (true) {
            try (Association a = Association.open("127.0.0.1", port, rq, AssociationOptions.defaults()
                    .withConnectTimeout(Duration.ofSeconds(2)))) {
                a.echo();
                return;
            } catch (DicomNetworkException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50); // polling a process that is still starting; not synchronisation inside the SDK
            }
        }
    }

    private static void stop(Process p) throws InterruptedException {
        if (p != null) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Prints one variant's median time and rate under {@code label}, and returns the median. */
    private static double report(String label, List<Double> times, int count) {
        double m = median(times);
        System.out.printf(Locale.ROOT, "%-52s %.3f s, %.0f files/s%n", label, m, count / m);
        return m;
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        return s.get(s.size() / 2);
    }
}
