package dev.deliberate.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningRequest;
import dev.deliberate.core.Sampling;
import dev.deliberate.core.ThinkingBudget;
import dev.deliberate.langchain4j.DeliberateChatModel;
import dev.deliberate.llama.TestModels;
import dev.langchain4j.model.chat.ChatModel;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The auto-configuration in a real application context, on real llama.cpp and the generated tiny model. */
class DeliberateAutoConfigurationIT {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DeliberateAutoConfiguration.class,
                    DeliberateLangChain4jAutoConfiguration.class));

    private static String tiny() {
        return "deliberate.model=" + TestModels.tiny();
    }

    @Test
    void opensTheModelFromPropertiesAnswersAndClosesItOnShutdown() {
        AtomicReference<ReasoningModel> seen = new AtomicReference<>();
        runner.withPropertyValues(tiny(), "deliberate.threads=1", "deliberate.context-size=512").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(ReasoningModel.class);
            ReasoningModel model = context.getBean(ReasoningModel.class);
            seen.set(model);
            assertEquals("deliberate-test-tiny", model.info().modelId());
            var r = model.reason(ReasoningRequest.builder().user("hi").thinkingBudget(ThinkingBudget.tokens(4))
                    .answerMaxTokens(4).sampling(Sampling.defaults().withSeed(1)).build());
            assertTrue(r.usage().answerTokens() > 0, "it answered");
        });
        // the context is closed after run(): the model was closed with it, so it refuses new calls
        assertThrows(RuntimeException.class, () -> seen.get().reason(ReasoningRequest.builder().user("again")
                .build()));
    }

    @Test
    void offersTheLangChain4jChatModelWhenTheModuleIsThere() {
        runner.withPropertyValues(tiny(), "deliberate.threads=1").run(context -> {
            assertThat(context).hasSingleBean(ChatModel.class);
            assertThat(context.getBean(ChatModel.class)).isInstanceOf(DeliberateChatModel.class);
        });
    }

    @Test
    void noLangChain4jBeanWithoutTheModule() {
        runner.withPropertyValues(tiny(), "deliberate.threads=1")
                .withClassLoader(new FilteredClassLoader("dev.deliberate.langchain4j"))
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(ReasoningModel.class);
                    assertThat(context).doesNotHaveBean("deliberateChatModel");
                });
    }

    @Test
    void withoutAModelPropertyNothingIsOpened() {
        runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ReasoningModel.class)
                .doesNotHaveBean(ChatModel.class));
    }

    @Test
    void badPropertiesFailTheStartNamingTheProperty() {
        runner.withPropertyValues(tiny(), "deliberate.threads=-2").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessage("deliberate.threads must be >= 0, got -2");
        });
        runner.withPropertyValues("deliberate.model=/nonexistent/model.gguf").run(context ->
                assertThat(context).hasFailed());
    }

    @Test
    void anApplicationsOwnModelWins() {
        runner.withPropertyValues(tiny()).withUserConfiguration(OwnModel.class).run(context -> {
            assertThat(context).hasSingleBean(ReasoningModel.class);
            assertThat(context.getBean(ReasoningModel.class)).isSameAs(context.getBean(OwnModel.class).model);
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnModel {
        final ReasoningModel model = dev.deliberate.core.ReasoningModels.open(
                dev.deliberate.core.ModelLocator.file(TestModels.tiny()),
                dev.deliberate.core.ModelOptions.defaults().with(dev.deliberate.llama.LlamaOptions.defaults().withThreads(1)));

        @Bean(destroyMethod = "close")
        ReasoningModel own() {
            return model;
        }
    }
}
