package dev.deliberate.testmodel;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The byte-level BPE vocabulary of a test model: 256 byte tokens (GPT-2 byte-to-character mapping), merges
 * learned from a fixed English corpus, filler tokens up to the requested size, then the DeepSeek-R1-Distill
 * special tokens. Training is deterministic and pure Java.
 *
 * @param tokens     token texts, by id (byte-level encoded, as in {@code tokenizer.ggml.tokens})
 * @param tokenTypes llama.cpp token types, by id: 1 normal, 3 control, 4 user-defined
 * @param merges     learned merges, {@code "left right"}, in priority order
 */
public record TestModelVocabulary(List<String> tokens, List<Integer> tokenTypes, List<String> merges) {

    /** Beginning of sequence, added before every prompt. */
    public static final String BOS = "<｜begin▁of▁sentence｜>";
    /** End of sequence: generation stops here. */
    public static final String EOS = "<｜end▁of▁sentence｜>";
    /** Starts a user turn in the R1 chat template. */
    public static final String USER = "<｜User｜>";
    /** Starts an assistant turn in the R1 chat template. */
    public static final String ASSISTANT = "<｜Assistant｜>";
    /** Padding. */
    public static final String PAD = "<｜▁pad▁｜>";
    /** Opens the reasoning block. */
    public static final String THINK = "<think>";
    /** Closes the reasoning block. */
    public static final String END_THINK = "</think>";

    /** A special token, its llama.cpp token type and whether Hugging Face marks it special. */
    record Special(String text, int type, boolean hfSpecial) {
    }

    /** In id order at the end of the vocabulary; {@code <think>} pair is user-defined as in R1-Distill. */
    static final List<Special> SPECIAL_TOKENS = List.of(
            new Special(BOS, 3, true),
            new Special(EOS, 3, true),
            new Special(USER, 3, true),
            new Special(ASSISTANT, 3, true),
            new Special("<|im_start|>", 3, true),
            new Special("<|im_end|>", 3, true),
            new Special(PAD, 3, true),
            new Special(THINK, 4, false),
            new Special(END_THINK, 4, false));

    /** The training text: sentences about reasoning, Java and arithmetic, repeated three times. */
    private static final String CORPUS = """
            The quick brown fox jumps over the lazy dog. A reasoning model thinks step by step
            before it answers. Large language models predict the next token given the previous tokens.
            Java is a programming language; the Java virtual machine runs bytecode on many platforms.
            Hello world! The answer is 42. What is two plus two? Two plus two is four.
            Let me think about this problem carefully, then I will give the final answer.
            In mathematics, a prime number is a natural number greater than one that is not a product
            of two smaller natural numbers. The first primes are 2, 3, 5, 7, 11 and 13.
            Tokens, embeddings, attention, layers, heads and the feed forward network form a transformer.
            """.repeat(3);

    /** GPT-2-like pre-tokenizer used for training (ASCII classes; the corpus is ASCII). */
    private static final Pattern TRAINING_SPLIT = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?[A-Za-z]+| ?[0-9]| ?[^\\sA-Za-z0-9]+|\\s+(?!\\S)|\\s+");

    /** Checks the three lists agree. */
    public TestModelVocabulary {
        tokens = List.copyOf(tokens);
        tokenTypes = List.copyOf(tokenTypes);
        merges = List.copyOf(merges);
        if (tokens.size() != tokenTypes.size()) {
            throw new IllegalArgumentException("tokens and token types differ in length");
        }
    }

    /**
     * Learns {@code mergeCount} merges (fewer if the corpus has no pairs left) and pads the vocabulary with filler
     * tokens to {@code vocabularySize}. Ties between equally frequent pairs go to the pair seen first, so the
     * result is the same on every machine (and equals the project's Python reference).
     *
     * @param mergeCount     merges to learn
     * @param vocabularySize total tokens, special tokens included
     * @return the vocabulary
     */
    public static TestModelVocabulary train(int mergeCount, int vocabularySize) {
        String[] byteChars = byteToUnicode();
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(byteChars[b]);
        }
        Map<List<String>, Integer> words = new LinkedHashMap<>();
        Matcher m = TRAINING_SPLIT.matcher(CORPUS);
        while (m.find()) {
            byte[] bytes = m.group().getBytes(StandardCharsets.UTF_8);
            List<String> word = new ArrayList<>(bytes.length);
            for (byte b : bytes) {
                word.add(byteChars[b & 0xff]);
            }
            words.merge(List.copyOf(word), 1, Integer::sum);
        }
        List<String> merges = new ArrayList<>();
        Set<String> known = new HashSet<>(tokens);
        while (merges.size() < mergeCount) {
            Map<List<String>, Integer> pairs = new LinkedHashMap<>();
            for (Map.Entry<List<String>, Integer> e : words.entrySet()) {
                List<String> w = e.getKey();
                for (int i = 0; i + 1 < w.size(); i++) {
                    pairs.merge(List.of(w.get(i), w.get(i + 1)), e.getValue(), Integer::sum);
                }
            }
            if (pairs.isEmpty()) {
                break;
            }
            List<String> best = null;
            int bestCount = -1;
            for (Map.Entry<List<String>, Integer> e : pairs.entrySet()) {
                if (e.getValue() > bestCount) { // strictly greater: the first seen wins ties
                    best = e.getKey();
                    bestCount = e.getValue();
                }
            }
            String a = best.get(0);
            String b = best.get(1);
            merges.add(a + " " + b);
            if (known.add(a + b)) {
                tokens.add(a + b);
            }
            Map<List<String>, Integer> merged = new LinkedHashMap<>();
            for (Map.Entry<List<String>, Integer> e : words.entrySet()) {
                List<String> w = e.getKey();
                List<String> out = new ArrayList<>(w.size());
                for (int i = 0; i < w.size(); i++) {
                    if (i + 1 < w.size() && w.get(i).equals(a) && w.get(i + 1).equals(b)) {
                        out.add(a + b);
                        i++;
                    } else {
                        out.add(w.get(i));
                    }
                }
                merged.merge(List.copyOf(out), e.getValue(), Integer::sum);
            }
            words = merged;
        }
        int fillers = vocabularySize - tokens.size() - SPECIAL_TOKENS.size();
        for (int i = 0; i < fillers; i++) {
            tokens.add("[filler" + i + "]");
        }
        List<Integer> types = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            types.add(1);
        }
        for (Special s : SPECIAL_TOKENS) {
            tokens.add(s.text());
            types.add(s.type());
        }
        return new TestModelVocabulary(tokens, types, merges);
    }

    /**
     * @param token a token text, such as {@link #THINK}
     * @return its id
     * @throws IllegalArgumentException if the vocabulary has no such token
     */
    public int id(String token) {
        Objects.requireNonNull(token, "token");
        for (int i = tokens.size() - 1; i >= 0; i--) { // special tokens sit at the end
            if (tokens.get(i).equals(token)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no token '" + token + "' in the vocabulary");
    }

    /** @return the number of tokens */
    public int size() {
        return tokens.size();
    }

    /**
     * GPT-2's reversible mapping of bytes to printable characters: printable Latin-1 bytes map to themselves,
     * the others to code points from U+0100 upwards (so a space becomes {@code Ġ}).
     */
    static String[] byteToUnicode() {
        String[] out = new String[256];
        boolean[] direct = new boolean[256];
        for (int b = '!'; b <= '~'; b++) {
            direct[b] = true;
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            direct[b] = true;
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            direct[b] = true;
        }
        int n = 0;
        for (int b = 0; b < 256; b++) {
            out[b] = direct[b] ? String.valueOf((char) b) : String.valueOf((char) (256 + n++));
        }
        return out;
    }
}
