package dev.deliberate.llama;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;

/**
 * For {@code NProbsAbortIT}: asks the bundled llama.cpp for token probabilities through the binding, which the SDK
 * never does. Prints {@code RESULT} only if the JVM survives.
 */
public final class NProbsAbortMain {

    private NProbsAbortMain() {}

    public static void main(String[] args) {
        NativeRuntime.init();
        try (LlamaModel m = new LlamaModel(new ModelParameters().setModel(args[0]).setCtxSize(256).setThreads(1)
                .disableLog())) {
            String text = m.complete(new InferenceParameters("Hello").setNPredict(4).setTemperature(0f)
                    .setNProbs(2));
            System.out.println("RESULT " + text.length());
        }
        System.exit(0);
    }
}
