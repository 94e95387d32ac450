package dev.deliberate.spring.boot;

import dev.deliberate.core.ModelOptions;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Typed {@code deliberate.*} properties of the starter.
 *
 * <pre>
 * deliberate.model=/models/DeepSeek-R1-Distill-Qwen-1.5B-Q4_K_M.gguf   # or http://host:8080/v1#model-id
 * deliberate.threads=4          # CPU threads, 0 = all cores (default)
 * deliberate.context-size=4096  # tokens, 0 = the model's, at most 8192 (default)
 * deliberate.gpu-layers=0       # layers offloaded to a GPU build of llama.cpp (default 0)
 * </pre>
 *
 * @param model       the model locator: a {@code .gguf} file or an http(s) endpoint; without it no model is opened
 * @param threads     CPU threads, 0 for all cores
 * @param contextSize context window in tokens, 0 for the model's own (capped)
 * @param gpuLayers   layers to offload to a GPU, 0 for none
 */
@ConfigurationProperties(prefix = "deliberate")
public record DeliberateProperties(Optional<String> model, @DefaultValue("0") int threads,
        @DefaultValue("0") int contextSize, @DefaultValue("0") int gpuLayers) {

    /** Validates: a bad value fails the application's start with the property's name. */
    public DeliberateProperties {
        model = model == null ? Optional.empty() : model.filter(m -> !m.isBlank());
        if (threads < 0) {
            throw new IllegalArgumentException("deliberate.threads must be >= 0, got " + threads);
        }
        if (contextSize < 0) {
            throw new IllegalArgumentException("deliberate.context-size must be >= 0, got " + contextSize);
        }
        if (gpuLayers < 0) {
            throw new IllegalArgumentException("deliberate.gpu-layers must be >= 0, got " + gpuLayers);
        }
    }

    /**
     * The load options these properties ask for: threads, context size and GPU layers go to the llama.cpp backend when
     * {@code deliberate-llama} is on the classpath (remote-only applications need not have it).
     */
    public ModelOptions modelOptions() {
        ModelOptions options = ModelOptions.defaults();
        return LlamaSupport.PRESENT ? LlamaSupport.with(options, threads, contextSize, gpuLayers) : options;
    }

    /** Kept apart so that {@code LlamaOptions} is only linked when the llama backend is present. */
    private static final class LlamaSupport {
        static final boolean PRESENT = present();

        private static boolean present() {
            try {
                Class.forName("dev.deliberate.llama.LlamaOptions", false, DeliberateProperties.class.getClassLoader());
                return true;
            } catch (ClassNotFoundException e) {
                return false;
            }
        }

        static ModelOptions with(ModelOptions options, int threads, int contextSize, int gpuLayers) {
            return options.with(new dev.deliberate.llama.LlamaOptions(threads, contextSize, gpuLayers));
        }
    }
}
