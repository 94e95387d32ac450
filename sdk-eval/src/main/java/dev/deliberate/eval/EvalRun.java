package dev.deliberate.eval;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.deliberate.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The results of one evaluation: every case under every setting, with what the settings were. Saved as JSON
 * ({@link #write}) so that a later run can be compared with it ({@link Comparison}).
 *
 * @param profile     the profile's {@code name@version}
 * @param startedAt   when the run started
 * @param settings    the settings, in run order
 * @param fields      the scored fields
 * @param results     every result, setting by setting, in case order
 */
public record EvalRun(String profile, Instant startedAt, List<SettingInfo> settings, List<String> fields,
        List<CaseResult> results) {

    static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** Validates and copies. */
    public EvalRun {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(startedAt, "startedAt");
        settings = List.copyOf(settings);
        fields = List.copyOf(fields);
        results = List.copyOf(results);
    }

    /** The summary of each setting, in run order. */
    public List<SettingSummary> summaries() {
        return settings.stream().map(s -> SettingSummary.of(s, fields,
                results.stream().filter(r -> r.setting().equals(s.label())).toList())).toList();
    }

    /** Writes the run as JSON, atomically. */
    public void write(Path file) throws IOException {
        AtomicFiles.write(file, JSON.writeValueAsBytes(this));
    }

    /**
     * Reads a run written by {@link #write}.
     *
     * @throws IOException when the file cannot be read or is not such a run
     */
    public static EvalRun read(Path file) throws IOException {
        if (Files.size(file) > 256L * 1024 * 1024) {
            throw new IOException(file + ": larger than 256 MiB, not an evaluation run");
        }
        try {
            return JSON.readValue(file.toFile(), EvalRun.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(file + ": not an evaluation run written by Deliberate: " + e.getOriginalMessage(), e);
        }
    }
}
