/**
 * The project's own test models: random-weight Qwen2-architecture models in GGUF, with a small byte-level BPE
 * tokenizer, DeepSeek-R1-Distill special tokens and the R1 chat template, that real llama.cpp loads and runs.
 *
 * <p>No registry ships LLM weights, so tests, benchmarks and samples generate what they need with
 * {@link dev.deliberate.testmodel.TestModelGenerator}. The output is meaningless text (the weights are
 * random), but every mechanism around a reasoning model is real: loading, tokenization, special tokens, the chat
 * template opening {@code <think>}, sampling, speed. Generation is deterministic: the same preset and seed give a
 * byte-identical file.
 */
package dev.deliberate.testmodel;
