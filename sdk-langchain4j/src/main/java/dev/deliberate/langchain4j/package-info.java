/**
 * Deliberate reasoning models inside LangChain4j: {@link dev.deliberate.langchain4j.DeliberateChatModel} and
 * {@link dev.deliberate.langchain4j.DeliberateStreamingChatModel} adapt any {@link dev.deliberate.core.ReasoningModel},
 * with the thinking kept apart as LangChain4j's {@code thinking}, and
 * {@link dev.deliberate.langchain4j.DeliberateChatRequestParameters} carries thinking budgets and deadlines.
 */
package dev.deliberate.langchain4j;
