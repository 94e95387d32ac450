package dev.deliberate.cli.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.deliberate.gguf.GgufFile;
import dev.deliberate.gguf.GgufSummary;
import dev.deliberate.gguf.GgufTensorInfo;
import dev.deliberate.gguf.GgufValue;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deliberate inspect}: describes a GGUF model from its header, without loading it. */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = {
            "Describe a GGUF model: architecture, parameters, quantization, context length, chat template.",
            "Reads only the header, so it is instant even for large models."
        })
public final class InspectCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "A .gguf file.")
    Path file;

    @Option(names = "--json", description = "Print one JSON object (for scripts).")
    boolean json;

    @Option(names = "--metadata", description = "Also list every metadata entry and tensor.")
    boolean metadata;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws java.nio.file.NoSuchFileException {
        if (Files.isDirectory(file)) {
            throw new CommandFailedException(file + ": is a directory, not a .gguf file");
        }
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString());
        }
        GgufFile gguf;
        try {
            gguf = GgufFile.read(file);
        } catch (IOException e) {
            throw new CommandFailedException("cannot read " + file + ": " + e, e);
        }
        GgufSummary s = GgufSummary.of(gguf);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            printJson(out, gguf, s);
        } else {
            printText(out, gguf, s);
        }
        out.flush();
        return 0;
    }

    private void printText(PrintWriter out, GgufFile gguf, GgufSummary s) {
        row(out, "file", String.format(Locale.ROOT, "%s (%,d bytes, GGUF v%d)", s.source(), s.fileSize(),
                gguf.version()));
        row(out, "name", s.name().orElse("-"));
        row(out, "architecture", s.architecture().orElse("-"));
        row(out, "parameters", String.format(Locale.ROOT, "%,d (%s)", s.parameterCount(),
                humanCount(s.parameterCount())));
        StringBuilder types = new StringBuilder();
        s.tensorTypes().forEach((t, n) -> types.append(types.length() == 0 ? "" : ", ").append(t).append(" x ")
                .append(n));
        row(out, "quantization", s.quantization() + " (" + s.tensorCount() + " tensors: " + types + ")");
        lora(gguf).ifPresent(a -> row(out, "LoRA adapter", String.format(Locale.ROOT, "rank %d, alpha %s (x%s at"
                + " scale 1), %d tensors adapted; base sha256 %s", a.rank(), a.alpha(), a.scaling(),
                a.targets().size(), a.provenance().baseSha256().orElse("-"))));
        row(out, "context length", text(s.contextLength()));
        row(out, "embedding", text(s.embeddingLength()));
        row(out, "layers", text(s.layers()));
        row(out, "heads", text(s.heads()) + (s.kvHeads().isPresent() ? " (" + s.kvHeads().getAsLong() + " KV)" : ""));
        row(out, "vocabulary", text(s.vocabularySize()));
        if (s.chatTemplate().isPresent()) {
            String t = s.chatTemplate().get();
            row(out, "chat template", t.length() + " characters; opens <think>: " + (s.opensThinking() ? "yes" : "no"));
            String oneLine = t.replace("\n", "\\n");
            out.println("  " + (oneLine.length() > 110 ? oneLine.substring(0, 107) + "..." : oneLine));
        } else {
            row(out, "chat template", "-");
        }
        if (metadata) {
            out.println();
            out.println("metadata:");
            gguf.metadata().forEach((k, v) -> out.println("  " + k + " = " + abbreviate(v)));
            out.println("tensors:");
            for (GgufTensorInfo t : gguf.tensors()) {
                out.println("  " + t.name() + " " + t.typeName() + " " + t.shape() + " @" + t.offset());
            }
        }
    }

    /** The adapter's description when the file is a LoRA adapter Deliberate can use. */
    private static java.util.Optional<dev.deliberate.gguf.lora.LoraAdapterInfo> lora(GgufFile gguf) {
        if (gguf.getString("general.type").filter("adapter"::equals).isEmpty()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(dev.deliberate.gguf.lora.LoraAdapterInfo.of(gguf));
        } catch (dev.deliberate.gguf.lora.LoraFormatException e) {
            return java.util.Optional.empty();
        }
    }

    private static String abbreviate(GgufValue v) {
        String text = v.toString().replace("\n", "\\n");
        return text.length() > 120 ? text.substring(0, 117) + "..." : text;
    }

    private static void row(PrintWriter out, String label, String value) {
        out.printf(Locale.ROOT, "%-16s%s%n", label + ":", value);
    }

    private static String text(OptionalLong v) {
        return v.isPresent() ? Long.toString(v.getAsLong()) : "-";
    }

    static String humanCount(long n) {
        if (n >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.1fB", n / 1e9);
        } else if (n >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.1fM", n / 1e6);
        } else if (n >= 1_000L) {
            return String.format(Locale.ROOT, "%.1fK", n / 1e3);
        }
        return Long.toString(n);
    }

    private static void printJson(PrintWriter out, GgufFile gguf, GgufSummary s) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("file", s.source());
        o.put("sizeBytes", s.fileSize());
        o.put("ggufVersion", gguf.version());
        o.put("name", s.name().orElse(null));
        o.put("architecture", s.architecture().orElse(null));
        o.put("parameterCount", s.parameterCount());
        o.put("quantization", s.quantization());
        o.put("fileType", value(s.fileType()));
        o.put("tensorCount", s.tensorCount());
        o.put("tensorTypes", s.tensorTypes());
        o.put("contextLength", value(s.contextLength()));
        o.put("embeddingLength", value(s.embeddingLength()));
        o.put("layers", value(s.layers()));
        o.put("heads", value(s.heads()));
        o.put("kvHeads", value(s.kvHeads()));
        o.put("vocabularySize", value(s.vocabularySize()));
        o.put("opensThinking", s.opensThinking());
        o.put("chatTemplate", s.chatTemplate().orElse(null));
        lora(gguf).ifPresent(a -> {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("rank", a.rank());
            l.put("alpha", a.alpha());
            l.put("targets", a.targets().keySet());
            l.put("baseSha256", a.provenance().baseSha256().orElse(null));
            l.put("training", a.provenance().training());
            o.put("lora", l);
        });
        try {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a map of plain values", e);
        }
    }

    private static Long value(OptionalLong v) {
        return v.isPresent() ? v.getAsLong() : null;
    }

    private static Integer value(OptionalInt v) {
        return v.isPresent() ? v.getAsInt() : null;
    }
}
