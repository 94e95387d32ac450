package dev.deliberate.spring.boot;

import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Opens one {@link ReasoningModel} from {@code deliberate.model} (a {@code .gguf} file or an endpoint, through the
 * backends on the classpath) and closes it when the application context closes. An application's own
 * {@code ReasoningModel} bean wins. {@link DeliberateLangChain4jAutoConfiguration} adds the LangChain4j adapter.
 */
@AutoConfiguration
@EnableConfigurationProperties(DeliberateProperties.class)
public class DeliberateAutoConfiguration {

    /** The model; {@code close} runs on shutdown (frees native memory, ends connections). */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(ReasoningModel.class)
    @ConditionalOnProperty(prefix = "deliberate", name = "model")
    public ReasoningModel deliberateReasoningModel(DeliberateProperties properties) {
        String model = properties.model().orElseThrow(() -> new IllegalArgumentException("deliberate.model is empty"));
        return ReasoningModels.open(ModelLocator.parse(model), properties.modelOptions());
    }
}
