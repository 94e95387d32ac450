package dev.deliberate.cli.dicom;

import dev.deliberate.core.DeliberateException;
import dev.deliberate.medical.deid.BurnedInAnnotation;
import dev.deliberate.medical.deid.BurnedInAnnotationHandling;
import dev.deliberate.medical.deid.DeidentificationOption;
import dev.deliberate.medical.deid.DeidentificationPolicy;
import dev.deliberate.medical.deid.DeidentificationResult;
import dev.deliberate.medical.deid.Deidentifier;
import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomReader;
import dev.deliberate.medical.dicom.DicomWriter;
import dev.deliberate.medical.dicom.Tags;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code deliberate dicom deid IN OUT [--salt S] [--option NAME]...}: de-identifies a file or a folder tree with the
 * PS3.15 Basic Profile, keeping the folder structure; each output is written atomically; a file that fails is
 * reported and skipped, the others are still written.
 */
@Command(name = "deid", mixinStandardHelpOptions = true,
        description = "De-identify DICOM files (PS3.15 Annex E Basic Profile) into OUT, keeping the folder structure.")
public final class DeidCommand implements Callable<Integer> {
    /** The deepest folder nesting walked. */
    static final int MAX_FOLDER_DEPTH = 32;

    @Parameters(index = "0", paramLabel = "IN", description = "A DICOM file or a folder of them.")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "The output file, or folder (created).")
    Path out;

    @Option(names = "--salt", paramLabel = "S", description = "Secret from which replacement UIDs are derived "
            + "(at least 8 bytes). The same salt maps a UID to the same replacement in every run. Without it a random "
            + "salt is used and UIDs will not match other runs.")
    String salt;

    @Option(names = "--option", paramLabel = "NAME", description = "A profile option, repeatable: ${COMPLETION-"
            + "CANDIDATES}.")
    List<DeidentificationOption> options = new ArrayList<>();

    @Option(names = "--allow-burned-in", description = "De-identify files whose Burned In Annotation is YES "
            + "(their pixels are NOT cleaned) instead of refusing them.")
    boolean allowBurnedIn;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        byte[] secret;
        if (salt == null) {
            secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            err.println("deliberate: no --salt given: using a random salt; replacement UIDs will not match other runs");
        } else {
            secret = salt.getBytes(StandardCharsets.UTF_8);
        }
        DeidentificationPolicy policy = new DeidentificationPolicy(secret,
                options.isEmpty() ? EnumSet.noneOf(DeidentificationOption.class) : EnumSet.copyOf(options),
                allowBurnedIn ? BurnedInAnnotationHandling.FLAG : BurnedInAnnotationHandling.REFUSE,
                java.util.Set.of());
        Deidentifier deid = new Deidentifier(policy);
        if (!Files.exists(in)) {
            throw new IllegalArgumentException("input does not exist: " + in);
        }
        if (in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("OUT must differ from IN: de-identification never overwrites its input");
        }
        List<Path[]> jobs = new ArrayList<>();
        if (Files.isDirectory(in)) {
            if (out.toAbsolutePath().normalize().startsWith(in.toAbsolutePath().normalize())) {
                throw new IllegalArgumentException("OUT must not be inside IN");
            }
            try (Stream<Path> s = Files.walk(in, MAX_FOLDER_DEPTH)) {
                s.filter(Files::isRegularFile).sorted().forEach(p -> jobs.add(new Path[] {p,
                        out.resolve(in.relativize(p).toString())}));
            }
        } else {
            jobs.add(new Path[] {in, Files.isDirectory(out) ? out.resolve(in.getFileName().toString()) : out});
        }
        int written = 0;
        int refused = 0;
        int failed = 0;
        int flagged = 0;
        int skipped = 0;
        for (Path[] job : jobs) {
            if (!isPart10(job[0])) {
                skipped++; // never copied: a non-DICOM file in a study folder may itself hold PHI
                err.println("skipped (not a DICOM Part 10 file, not copied): " + job[0]);
                continue;
            }
            try {
                DicomFile f = DicomReader.standard().read(job[0]);
                DeidentificationResult r = deid.deidentify(f.dataset());
                DicomObject meta = f.fileMeta().toBuilder().remove(Tags.SourceApplicationEntityTitle)
                        .remove(Tags.SendingApplicationEntityTitle).remove(Tags.ReceivingApplicationEntityTitle)
                        .remove(Tags.PrivateInformationCreatorUID).remove(Tags.PrivateInformation).build();
                Path target = job[1];
                Path parent = target.toAbsolutePath().getParent();
                Files.createDirectories(parent);
                DicomWriter.standard().write(new DicomFile(meta, r.dataset(), f.transferSyntax()), target);
                written++;
                if (r.burnedInAnnotation() == BurnedInAnnotation.YES) {
                    flagged++;
                    err.println("warning: " + job[0] + ": Burned In Annotation is YES; pixels were not cleaned");
                }
            } catch (dev.deliberate.medical.deid.BurnedInAnnotationException e) {
                refused++;
                err.println("refused: " + job[0] + ": " + e.getMessage());
            } catch (DeliberateException | IOException | IllegalArgumentException e) {
                failed++;
                err.println("failed: " + job[0] + ": " + e.getMessage());
            }
        }
        o.printf(Locale.ROOT, "%d file(s): %d written, %d refused (burned-in annotation), %d failed, %d skipped (not "
                + "DICOM)%s%n", jobs.size(), written, refused, failed, skipped, flagged > 0 ? ", " + flagged + " written with burned-in annotation" : "");
        o.println("options: " + (policy.options().isEmpty() ? "none" : policy.options()) + "; salt fingerprint "
                + fingerprint(secret));
        o.flush();
        err.flush();
        return refused + failed == 0 ? 0 : 1;
    }

    /** Whether the file starts with a 128-byte preamble and "DICM". */
    static boolean isPart10(Path p) {
        try (java.io.InputStream in = Files.newInputStream(p)) {
            byte[] head = in.readNBytes(132);
            return head.length == 132 && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M';
        } catch (IOException e) {
            return true; // let the reader report the I/O problem
        }
    }

    /** A short fingerprint that tells salts apart without revealing them. */
    static String fingerprint(byte[] secret) {
        String r = new dev.deliberate.medical.deid.UidRemapper(secret).remap("salt-fingerprint");
        return r.substring(r.length() - 8);
    }
}
