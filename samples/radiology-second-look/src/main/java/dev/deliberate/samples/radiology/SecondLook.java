package dev.deliberate.samples.radiology;

import dev.deliberate.core.AnswerFormat;
import dev.deliberate.core.DeliberateException;
import dev.deliberate.core.InvalidAnswerException;
import dev.deliberate.core.ModelInfo;
import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.Reasoning;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.Sampling;
import dev.deliberate.core.ThinkingBudget;
import dev.deliberate.medical.deid.BurnedInAnnotationException;
import dev.deliberate.medical.deid.DeidentificationOption;
import dev.deliberate.medical.deid.DeidentificationPolicy;
import dev.deliberate.medical.deid.DeidentificationReport;
import dev.deliberate.medical.deid.StudyDeidentifier;
import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomReader;
import dev.deliberate.medical.dicom.DicomWriter;
import dev.deliberate.medical.dicom.Tags;
import dev.deliberate.medical.phi.PhiGuard;
import dev.deliberate.medical.render.DicomRenderer;
import dev.deliberate.medical.render.RenderOptions;
import dev.deliberate.medical.sr.DiagnosticReport;
import dev.deliberate.medical.sr.ObserverDevice;
import dev.deliberate.medical.sr.StructuredReportWriter;
import dev.deliberate.medical.study.StudyContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The whole path of a radiology second look, in the order a department would run it:
 *
 * <ol>
 * <li>read the study ({@link StudyInput});</li>
 * <li>de-identify every instance with the PS3.15 Basic Profile (plus Clean Descriptors and Retain Patient
 * Characteristics, so the model still sees descriptions and the age band) and check each through the
 * {@link PhiGuard}, which here treats even a local model as an outside party;</li>
 * <li>summarise the de-identified instances as a {@link StudyContext} and build the prompt, in which DICOM text is
 * quoted data; the prompt is checked against the <em>original</em> instances' identifiers before the model sees
 * it;</li>
 * <li>ask the model under a thinking budget and deadline for an answer constrained by
 * {@code second-look-answer.schema.json}, mapped to {@link SecondLookAnswer};</li>
 * <li>write a Comprehensive SR (TID 2000) about the de-identified study, with the model as device observer;</li>
 * <li>optionally render the first de-identified frame to PNG.</li>
 * </ol>
 *
 * <p>Output files ({@code second-look-sr.dcm}, {@code deidentified/}, {@code prompt.txt}, {@code frame.png}) are
 * each written atomically; the SR is written only after the answer validated.
 */
public final class SecondLook {

    /** The SR's file name in the output folder. */
    public static final String SR_FILE = "second-look-sr.dcm";
    /** The prompt's file name in the output folder. */
    public static final String PROMPT_FILE = "prompt.txt";
    /** The rendered frame's file name in the output folder. */
    public static final String PNG_FILE = "frame.png";

    private final SecondLookOptions options;
    private final PrintStream log;

    /**
     * @param options what to run on
     * @param log     where progress lines go
     */
    public SecondLook(SecondLookOptions options, PrintStream log) {
        this.options = options;
        this.log = log;
    }

    /** The answer schema of this sample. */
    public static AnswerFormat.Json answerFormat() {
        try (InputStream in = SecondLook.class.getResourceAsStream("/second-look-answer.schema.json")) {
            if (in == null) {
                throw new IllegalStateException("second-look-answer.schema.json missing from the classpath");
            }
            return (AnswerFormat.Json) AnswerFormat.jsonSchema(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the answer schema", e);
        }
    }

    /** The de-identification policy of this sample, from a secret salt. */
    public static DeidentificationPolicy policy(String salt) {
        return DeidentificationPolicy.basic(salt)
                .withOption(DeidentificationOption.CLEAN_DESCRIPTORS)
                .withOption(DeidentificationOption.RETAIN_PATIENT_CHARACTERISTICS);
    }

    /**
     * De-identifies the study and builds the prompt, checking both through the PHI guard for {@code endpoint}. No
     * model is involved; this is the part a team reviews first.
     *
     * @throws SecondLookException                         when an instance has burned-in annotation
     * @throws dev.deliberate.medical.phi.PhiExposureException when anything identified would reach the endpoint
     */
    public static Prepared prepare(List<DicomFile> sources, String salt, URI endpoint) {
        // The SDK's study-level de-identification, in memory: one policy, one UID mapping and one report for the study.
        StudyDeidentifier deid = StudyDeidentifier.builder(policy(salt)).build();
        PhiGuard guard = PhiGuard.builder().includeLoopback().build(); // no exception for local models
        List<DicomFile> safe = new ArrayList<>();
        int index = 0;
        for (DicomFile f : sources) {
            DicomFile d;
            try {
                d = deid.deidentify(f, "instance " + (++index)).file();
            } catch (BurnedInAnnotationException e) {
                throw new SecondLookException("refused: " + e.getMessage(), e);
            }
            guard.check(d.dataset(), endpoint);
            safe.add(d);
        }
        StudyContext context = StudyContext.of(safe.stream().map(DicomFile::dataset).toList());
        SecondLookPrompt prompt = SecondLookPrompt.of(context);
        for (DicomFile f : sources) {
            guard.checkText(prompt.text(), f.dataset(), endpoint); // the original's identifiers, not the copy's
        }
        return new Prepared(safe, context, prompt, deid.report());
    }

    /**
     * The de-identified instances and the prompt made from them.
     *
     * @param deidentified the de-identified instances, in input order
     * @param context      the study summary
     * @param prompt       the prompt
     * @param report       what the de-identification did, attribute by attribute
     */
    public record Prepared(List<DicomFile> deidentified, StudyContext context, SecondLookPrompt prompt,
            DeidentificationReport report) {
        /** Copies. */
        public Prepared {
            deidentified = List.copyOf(deidentified);
        }
    }

    /**
     * Runs the second look. When it fails, whatever this run wrote to the output folder (the de-identified
     * instances, the prompt, folders it created) is removed again: a failed run leaves no half result behind.
     *
     * @throws SecondLookException  for input that cannot be used, or an answer that cannot become a report (also when
     *                              the model gave no answer valid against the schema within its attempts)
     * @throws DeliberateException  for model failures (load, request), typed by sdk-core
     * @throws IOException          for real I/O failures
     */
    public SecondLookResult run() throws IOException {
        Path out = options.outDir();
        Path deidDir = out.resolve("deidentified");
        boolean outExisted = Files.exists(out);
        boolean deidExisted = Files.exists(deidDir);
        java.util.Map<Path, FileTime> before = snapshot(List.of(out, deidDir));
        try {
            return runOnce();
        } catch (InvalidAnswerException e) {
            removeWritten(before, out, deidDir, outExisted, deidExisted, e);
            throw new SecondLookException(e.getMessage() + "; nothing was written to " + out + " (try another --seed,"
                    + " more --answer-tokens, or a stronger --model)", e);
        } catch (IOException | RuntimeException | Error e) {
            removeWritten(before, out, deidDir, outExisted, deidExisted, e);
            throw e;
        }
    }

    /** The files directly in these folders, with their modification times. */
    private static java.util.Map<Path, FileTime> snapshot(List<Path> dirs) throws IOException {
        java.util.Map<Path, FileTime> files = new java.util.HashMap<>();
        for (Path dir : dirs) {
            if (Files.isDirectory(dir)) {
                try (java.util.stream.Stream<Path> s = Files.list(dir)) {
                    for (Path f : s.filter(Files::isRegularFile).toList()) {
                        files.put(f, Files.getLastModifiedTime(f));
                    }
                }
            }
        }
        return files;
    }

    /**
     * Deletes the files this run wrote (new, or changed since {@code before}) in the output folder and its
     * {@code deidentified/} folder, then those folders if this run created them and they are empty.
     */
    private static void removeWritten(java.util.Map<Path, FileTime> before, Path out, Path deidDir,
            boolean outExisted, boolean deidExisted, Throwable failure) {
        try {
            for (java.util.Map.Entry<Path, FileTime> now : snapshot(List.of(deidDir, out)).entrySet()) {
                if (!now.getValue().equals(before.get(now.getKey()))) {
                    Files.deleteIfExists(now.getKey());
                }
            }
            if (!deidExisted && Files.isDirectory(deidDir) && isEmpty(deidDir)) {
                Files.delete(deidDir);
            }
            if (!outExisted && Files.isDirectory(out) && isEmpty(out)) {
                Files.delete(out);
            }
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private SecondLookResult runOnce() throws IOException {
        StudyInput input = StudyInput.read(options.input(), DicomReader.standard());
        log.printf("read:      %d instance(s) from %s%s%n", input.files().size(), options.input(),
                input.skipped() > 0 ? " (" + input.skipped() + " non-DICOM files skipped)" : "");

        ModelLocator locator = options.model().isPresent() ? options.model().get()
                : ModelLocator.file(TinyTestModel.ensure(options.modelCache()));
        URI endpoint = locator instanceof ModelLocator.Endpoint e ? e.baseUrl()
                : ((ModelLocator.File) locator).path().toAbsolutePath().toUri();

        Prepared prepared = prepare(input.files().stream().map(StudyInput.Instance::file).toList(), options.salt(),
                endpoint);
        String studyUid = prepared.deidentified().get(0).dataset().getString(Tags.StudyInstanceUID).orElseThrow();
        log.printf("de-id:     PS3.15 Basic Profile + %s; PHI guard passed for %s%n",
                List.of(DeidentificationOption.CLEAN_DESCRIPTORS, DeidentificationOption.RETAIN_PATIENT_CHARACTERISTICS),
                endpoint);

        Path out = options.outDir();
        Files.createDirectories(out.resolve("deidentified"));
        List<Path> written = new ArrayList<>();
        int n = 1;
        for (DicomFile f : prepared.deidentified()) {
            Path target = out.resolve("deidentified").resolve(String.format("IM%05d.dcm", n++));
            DicomWriter.standard().write(f, target);
            written.add(target);
        }
        writeAtomically(out.resolve("deidentified").resolve(StudyDeidentifier.REPORT_FILE),
                prepared.report().toJson().getBytes(StandardCharsets.UTF_8));
        Path promptFile = out.resolve(PROMPT_FILE);
        writeAtomically(promptFile, prepared.prompt().text().getBytes(StandardCharsets.UTF_8));

        Reasoning reasoning;
        boolean random;
        try (ReasoningModel model = ReasoningModels.open(locator)) {
            random = TinyTestModel.isTiny(model.info().modelId());
            if (random) {
                log.println("model:     the tiny RANDOM-WEIGHT test model (" + locator + "): its words are random;"
                        + " this run shows the plumbing, not medicine. Use --model for a real model.");
            } else {
                log.println("model:     " + describe(model.info()));
            }
            reasoning = model.reason(ReasoningRequest.builder()
                    .system(prepared.prompt().system())
                    .user(prepared.prompt().user())
                    .thinkingBudget(ThinkingBudget.tokens(options.thinkingTokens()).within(options.deadline()))
                    .answerFormat(answerFormat())
                    .answerMaxTokens(options.answerTokens())
                    .sampling(Sampling.defaults().withSeed(options.seed()))
                    .build());
        }
        if (reasoning.answerJson().isEmpty()) {
            throw new SecondLookException("the model gave no JSON answer (finish " + reasoning.finish() + "): "
                    + abbreviate(reasoning.answer()) + "; nothing was written to " + options.outDir()
                    + " (raise --answer-tokens, or try a stronger --model)");
        }
        SecondLookAnswer answer = reasoning.answerAs(SecondLookAnswer.class);

        Path sr = out.resolve(SR_FILE);
        new StructuredReportWriter().write(report(answer, reasoning.model()), prepared.deidentified().stream()
                .map(DicomFile::dataset).toList(), sr);

        Optional<Path> png = Optional.empty();
        if (options.renderPng()) {
            Path target = out.resolve(PNG_FILE);
            try {
                DicomRenderer.standard().writePng(prepared.deidentified().get(0), RenderOptions.defaults(), target);
                png = Optional.of(target);
            } catch (DeliberateException e) {
                log.println("png:       not rendered: " + e.getMessage());
            }
        }
        return new SecondLookResult(sr, written, promptFile, prepared.prompt(), studyUid, answer, reasoning, png,
                random, input.skipped());
    }

    /** The TID 2000 content: the findings, the impression, and the suggested urgency as a second impression. */
    static DiagnosticReport report(SecondLookAnswer answer, ModelInfo model) {
        List<String> findings = answer.findings().stream().map(SecondLook::dicomText).filter(s -> !s.isEmpty())
                .toList();
        List<String> impressions = new ArrayList<>();
        if (!dicomText(answer.impression()).isEmpty()) {
            impressions.add(dicomText(answer.impression()));
        }
        impressions.add("Suggested urgency (AI second look, unverified): " + answer.urgency().json());
        return DiagnosticReport.of(findings, impressions, observer(model));
    }

    /**
     * Model text as a DICOM text value: a JSON answer may carry control characters through escapes ({@code \\b},
     * {@code \\u0000}), which text VRs do not allow (PS3.5 6.1.3 permits LF, FF, CR, TAB and ESC); they, and ESC, become spaces.
     */
    static String dicomText(String text) {
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(c -> b.appendCodePoint(c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f'
                || c == 0x7F ? ' ' : c));
        return b.toString().strip();
    }

    /**
     * The model as TID 1004 device observer: its UID is derived from the model file's SHA-256 (or from the endpoint
     * and model id), so every report by the same weights carries the same device UID; the serial number is the hash.
     */
    public static ObserverDevice observer(ModelInfo info) {
        String identity = info.sha256().orElse(info.backend() + "|" + info.locator() + "|" + info.modelId());
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(("deliberate-device:" + identity)
                    .getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
        byte[] first = new byte[16];
        System.arraycopy(digest, 0, first, 0, 16);
        String uid = "2.25." + new BigInteger(1, first);
        String version = String.join(" ", List.of(info.architecture(), info.quantization(), info.backend()).stream()
                .filter(s -> !s.isBlank()).toList());
        ObserverDevice device = ObserverDevice.of(uid, info.modelId().isBlank() ? "unnamed model" : info.modelId())
                .withManufacturer("Deliberate SDK");
        if (!version.isBlank()) {
            device = device.withModelName(version);
        }
        return info.sha256().map(device::withSerialNumber).orElse(device);
    }

    static String describe(ModelInfo info) {
        return info.modelId() + " (" + info.architecture() + ", " + info.quantization() + ", " + info.backend()
                + info.sha256().map(h -> ", sha256 " + h.substring(0, Math.min(12, h.length())) + "...").orElse("")
                + ")";
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".part");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
