package dev.deliberate.cli.core;

import dev.deliberate.core.ModelOptions;
import dev.deliberate.openai.RemoteOptions;
import java.net.URI;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Options for remote models ({@code --model http://host:port/v1}), mixed into commands that open a model. A fleet is
 * the {@code --model} endpoint plus every {@code --endpoint}.
 */
public final class RemoteModelOptions {

    @Option(names = "--api-key", paramLabel = "KEY",
            description = "API key for a remote model (default: the environment variable "
                    + RemoteOptions.API_KEY_ENV + "). Never printed.")
    String apiKey;

    @Option(names = "--remote-model", paramLabel = "ID",
            description = "Model id to request from a remote endpoint (default: the URL's #id, else the first of"
                    + " /v1/models).")
    String remoteModel;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "Another endpoint serving the same model (repeat for a fleet): requests are balanced,"
                    + " retried and failed over across --model and every --endpoint.")
    List<URI> endpoints = List.of();

    /** {@code options} with the remote options these flags ask for. */
    ModelOptions apply(ModelOptions options) {
        RemoteOptions remote = RemoteOptions.defaults();
        if (apiKey != null) {
            remote = remote.withApiKey(apiKey);
        }
        if (remoteModel != null) {
            remote = remote.withModelId(remoteModel);
        }
        for (URI u : endpoints) {
            remote = remote.withFleetEndpoint(u);
        }
        return options.with(remote);
    }
}
