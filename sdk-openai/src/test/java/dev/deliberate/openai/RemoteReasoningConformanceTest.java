package dev.deliberate.openai;

import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import dev.deliberate.core.testing.ReasoningModelConformanceTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.AfterAll;

/**
 * The shared conformance suite through the remote backend, against a simulated server that returns reasoning as
 * {@code REASONING} ({@link FakeOpenAiServer.Dialect#REASONING}). Real servers: RemoteBackendServeIT.
 */
class RemoteReasoningConformanceTest extends ReasoningModelConformanceTest {

    private FakeOpenAiServer server;

    @Override
    protected ReasoningModel openModel() {
        try {
            server = new FakeOpenAiServer(FakeOpenAiServer.Dialect.REASONING, "fake-r1", "sk-test-conformance-key");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ReasoningModels.open(ModelLocator.parse(server.baseUrl().toString()), ModelOptions.defaults()
                .with(RemoteOptions.defaults().withApiKey("sk-test-conformance-key")));
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }
}
