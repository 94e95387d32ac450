package dev.deliberate.spring.boot;

import dev.deliberate.core.ReasoningModel;
import dev.deliberate.langchain4j.DeliberateChatModel;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@link ReasoningModel} bean as a LangChain4j {@code ChatModel}, when {@code deliberate-langchain4j} (and so
 * LangChain4j) is on the classpath and the application has no {@code ChatModel} of its own. Runs after
 * {@link DeliberateAutoConfiguration}, so the model bean is known when the condition is checked.
 */
@AutoConfiguration(after = DeliberateAutoConfiguration.class)
@ConditionalOnClass(name = {"dev.deliberate.langchain4j.DeliberateChatModel", "dev.langchain4j.model.chat.ChatModel"})
public class DeliberateLangChain4jAutoConfiguration {

    /** The adapter; it does not own the model, which the {@link ReasoningModel} bean's owner closes. */
    @Bean
    @ConditionalOnBean(ReasoningModel.class)
    @ConditionalOnMissingBean(type = "dev.langchain4j.model.chat.ChatModel")
    public DeliberateChatModel deliberateChatModel(ReasoningModel model) {
        return DeliberateChatModel.of(model);
    }
}
