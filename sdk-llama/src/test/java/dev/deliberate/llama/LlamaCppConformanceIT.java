package dev.deliberate.llama;

import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.core.testing.ReasoningModelConformanceTest;
import dev.deliberate.llama.TestModels;

/** The shared conformance suite on llama.cpp, with real inference on the tiny generated model. */
class LlamaCppConformanceIT extends ReasoningModelConformanceTest {

    @Override
    protected ReasoningModel openModel() {
        return ReasoningModels.open(ModelLocator.file(TestModels.tiny()),
                ModelOptions.defaults().with(new LlamaOptions(2, 2048, 0)));
    }
}
