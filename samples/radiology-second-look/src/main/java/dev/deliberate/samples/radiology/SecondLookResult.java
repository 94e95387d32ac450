package dev.deliberate.samples.radiology;

import dev.deliberate.core.Reasoning;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one second look produced.
 *
 * @param report               the Comprehensive SR written
 * @param deidentified         the de-identified copies of the source instances the SR references
 * @param promptFile           the prompt as given to the model ({@code prompt.txt})
 * @param prompt               the same prompt
 * @param deidentifiedStudyUid the Study Instance UID after de-identification (the SR's study)
 * @param answer               the model's answer, mapped
 * @param reasoning            thinking, usage, timings, finish reason and model provenance
 * @param png                  the rendered first frame, when asked for and the transfer syntax is supported
 * @param randomWeights        whether the model was the tiny random-weight test model (its words are random)
 * @param skippedFiles         files in the input folder that were not DICOM
 */
public record SecondLookResult(Path report, List<Path> deidentified, Path promptFile, SecondLookPrompt prompt,
        String deidentifiedStudyUid, SecondLookAnswer answer, Reasoning reasoning, Optional<Path> png,
        boolean randomWeights, int skippedFiles) {

    /** Rejects nulls and copies. */
    public SecondLookResult {
        Objects.requireNonNull(report, "report");
        deidentified = List.copyOf(deidentified);
        Objects.requireNonNull(promptFile, "promptFile");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(deidentifiedStudyUid, "deidentifiedStudyUid");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(reasoning, "reasoning");
        Objects.requireNonNull(png, "png");
    }
}
