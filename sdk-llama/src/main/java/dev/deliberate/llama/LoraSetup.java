package dev.deliberate.llama;

import dev.deliberate.core.DeliberateException;
import dev.deliberate.core.ModelInfo;
import dev.deliberate.core.ModelLoadException;
import dev.deliberate.gguf.GgufFile;
import dev.deliberate.gguf.GgufFormatException;
import dev.deliberate.gguf.lora.LoraAdapter;
import dev.deliberate.gguf.lora.LoraAdapterInfo;
import dev.deliberate.gguf.lora.LoraFormatException;
import dev.deliberate.gguf.lora.ScaledLora;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The LoRA adapters of one model load: checked against the base before llama.cpp sees them, and turned into the one
 * file the binding can pass.
 *
 * <p>Why checked here: llama.cpp refuses a mismatched adapter (wrong architecture, a tensor the base lacks, shapes
 * that do not fit) only by logging the reason and failing the whole load, which the binding reports as "could not
 * load model from given file path". Why one file: the binding (de.kherud:llama 4.2.0) keeps its command-line options
 * in a map, so a second adapter replaces the first, and its {@code addLoraScaledAdapter} passes {@code FILE,SCALE}
 * as one argument where llama.cpp b4916 expects two: llama.cpp's argument parser fails, the binding loads the model
 * anyway and the first completion crashes the JVM. So one adapter at scale 1 is passed as it is with
 * {@code addLoraAdapter}; anything else (several adapters, another scale) is combined first
 * ({@link LoraAdapter#combine}: factors stacked, scales folded into B, alpha 0) into a temporary file that llama.cpp
 * reads while loading, deleted right after.
 */
final class LoraSetup implements AutoCloseable {

    private final List<LoraAdapterFile> adapters;
    private final List<CompletableFuture<String>> hashes;
    private final Optional<Path> forLlama;
    private final boolean temporary;

    private LoraSetup(List<LoraAdapterFile> adapters, List<CompletableFuture<String>> hashes,
            Optional<Path> forLlama, boolean temporary) {
        this.adapters = adapters;
        this.hashes = hashes;
        this.forLlama = forLlama;
        this.temporary = temporary;
    }

    static LoraSetup none() {
        return new LoraSetup(List.of(), List.of(), Optional.empty(), false);
    }

    /**
     * Checks every adapter against the model and prepares the file for llama.cpp.
     *
     * @throws ModelLoadException  an adapter file is missing or unreadable
     * @throws LoraFormatException an adapter file is not a LoRA adapter (or not GGUF, or truncated)
     * @throws dev.deliberate.gguf.lora.LoraMismatchException an adapter does not fit the model
     */
    static LoraSetup prepare(Path model, List<LoraAdapterFile> adapters) {
        if (adapters.isEmpty()) {
            return none();
        }
        GgufFile base;
        try {
            base = GgufFile.read(model);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read model file " + model + ": " + e.getMessage(), e);
        }
        List<CompletableFuture<String>> hashes = new ArrayList<>();
        for (LoraAdapterFile a : adapters) {
            info(a.path()).checkFits(base);
            hashes.add(Sha256Cache.of(a.path(), p -> { }));
        }
        if (adapters.size() == 1 && adapters.get(0).scale() == 1f) {
            return new LoraSetup(adapters, hashes, Optional.of(adapters.get(0).path().toAbsolutePath()), false);
        }
        List<ScaledLora> scaled = new ArrayList<>();
        for (LoraAdapterFile a : adapters) {
            scaled.add(new ScaledLora(read(a.path()), a.scale()));
        }
        Path tmp = null;
        try {
            tmp = Files.createTempFile("deliberate-lora-", ".gguf");
            tmp.toFile().deleteOnExit(); // should the load fail before close()
            LoraAdapter.combine(scaled).write(tmp);
            return new LoraSetup(adapters, hashes, Optional.of(tmp), true);
        } catch (IOException | RuntimeException e) {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary directory is cleaned by the system
                }
            }
            if (e instanceof DeliberateException d) {
                throw d;
            }
            throw new ModelLoadException("cannot prepare the LoRA adapters " + adapters + ": " + e.getMessage(), e);
        }
    }

    private static LoraAdapterInfo info(Path adapter) {
        checkFile(adapter);
        try {
            return LoraAdapterInfo.read(adapter);
        } catch (GgufFormatException e) {
            throw new LoraFormatException(adapter.toString(), e.getMessage(), e);
        } catch (NoSuchFileException e) {
            throw new ModelLoadException("LoRA adapter file not found: " + adapter, e);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read LoRA adapter " + adapter + ": " + e.getMessage(), e);
        }
    }

    private static LoraAdapter read(Path adapter) {
        try {
            return LoraAdapter.read(adapter);
        } catch (LoraFormatException e) {
            throw e;
        } catch (DeliberateException e) { // truncated since the check, or a factor type that cannot be decoded
            throw new LoraFormatException(adapter.toString(), e.getMessage(), e);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read LoRA adapter " + adapter + ": " + e.getMessage(), e);
        }
    }

    private static void checkFile(Path adapter) {
        if (!Files.exists(adapter)) {
            throw new ModelLoadException("LoRA adapter file not found: " + adapter);
        }
        if (Files.isDirectory(adapter)) {
            throw new ModelLoadException("LoRA adapter path is a directory, not a GGUF file: " + adapter);
        }
    }

    /** The file to give llama.cpp with {@code --lora}, if there are adapters. */
    Optional<Path> fileForLlama() {
        return forLlama;
    }

    /** Provenance of the adapters, in the order given (waits for their hashes). */
    List<ModelInfo.Adapter> provenance() {
        List<ModelInfo.Adapter> out = new ArrayList<>();
        for (int i = 0; i < adapters.size(); i++) {
            LoraAdapterFile a = adapters.get(i);
            String sha;
            try {
                sha = hashes.get(i).join();
            } catch (CompletionException e) {
                throw new ModelLoadException("cannot hash LoRA adapter " + a.path() + ": " + e.getCause(), e);
            }
            out.add(new ModelInfo.Adapter(a.path().toAbsolutePath(), sha, a.scale()));
        }
        return out;
    }

    /** Deletes the combined file, once llama.cpp has read it. */
    @Override
    public void close() {
        if (temporary) {
            try {
                Files.deleteIfExists(forLlama.orElseThrow());
            } catch (IOException ignored) {
                // best effort: the temporary directory is cleaned by the system
            }
        }
    }
}
