package dev.deliberate.adapt.train;

import dev.deliberate.core.spi.RenderedPrompt;
import dev.deliberate.llama.LlamaTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns chat examples into token ids exactly as the model sees them at inference through the llama.cpp backend.
 *
 * <ul>
 *   <li>The prompt is the conversation rendered by the model's own chat template with the generation prompt
 *       (for DeepSeek-R1 templates {@code ...<｜Assistant｜><think>\n}), tokenised as the backend sends it
 *       (beginning-of-sequence token, then the text with special tokens parsed): {@link LlamaTokenizer#render},
 *       {@link LlamaTokenizer#encodePrompt}.</li>
 *   <li>The trained turn is what the model then generates: the thinking, the close of thinking as the SDK writes it
 *       ({@code \n</think>\n\n}, without the first newline when the thinking ends with one), the answer, then the
 *       end-of-sequence token the template ends an assistant turn with. When the template does not open thinking,
 *       the turn starts with {@code <think>\n}. It is tokenised as one text, as the model's own tokens would
 *       spell it.</li>
 *   <li>Loss: prompt tokens masked. With {@link ThinkingLoss#MASK}, the tokens that spell only thinking are masked
 *       too (a token that spans the end of the thinking and the close is trained).</li>
 * </ul>
 */
public final class ExampleEncoder {

    private static final String OPEN = "<think>\n";
    private static final String CLOSE = "\n</think>\n\n";

    private final LlamaTokenizer tokenizer;
    private final ThinkingLoss thinkingLoss;
    private final int maxSequenceLength;

    /**
     * @param tokenizer         the base model's tokenizer (not closed by this encoder)
     * @param thinkingLoss      whether thinking is trained
     * @param maxSequenceLength the most tokens an example may have
     */
    public ExampleEncoder(LlamaTokenizer tokenizer, ThinkingLoss thinkingLoss, int maxSequenceLength) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.thinkingLoss = Objects.requireNonNull(thinkingLoss, "thinkingLoss");
        if (maxSequenceLength < 2) {
            throw new IllegalArgumentException("max sequence length must be at least 2: " + maxSequenceLength);
        }
        this.maxSequenceLength = maxSequenceLength;
    }

    /** The text of the trained turn after a rendered prompt (what the model generates), without end-of-sequence. */
    public static String turnText(RenderedPrompt prompt, TrainingExample example) {
        return thinkingText(prompt, example) + close(example.thinking()) + example.answer();
    }

    private static String thinkingText(RenderedPrompt prompt, TrainingExample example) {
        return (prompt.opensThinking() ? "" : OPEN) + example.thinking();
    }

    private static String close(String thinking) {
        return thinking.endsWith("\n") ? CLOSE.substring(1) : CLOSE;
    }

    /**
     * Encodes one example.
     *
     * @throws IllegalArgumentException longer than the maximum sequence length
     */
    public TokenizedExample encode(TrainingExample example) {
        RenderedPrompt rendered = tokenizer.render(example.prompt());
        int[] prompt = tokenizer.encodePrompt(rendered.text());
        int[] turn = tokenizer.encode(turnText(rendered, example));
        int length = prompt.length + turn.length + 1;
        if (length > maxSequenceLength) {
            throw new IllegalArgumentException(length + " tokens (" + prompt.length + " prompt), more than the"
                    + " maximum sequence length " + maxSequenceLength);
        }
        int maskedTurn = 0;
        if (thinkingLoss == ThinkingLoss.MASK) {
            int[] thinking = tokenizer.encode(thinkingText(rendered, example));
            while (maskedTurn < thinking.length && maskedTurn < turn.length
                    && thinking[maskedTurn] == turn[maskedTurn]) {
                maskedTurn++;
            }
        }
        int[] tokens = new int[length];
        boolean[] trained = new boolean[length];
        System.arraycopy(prompt, 0, tokens, 0, prompt.length);
        System.arraycopy(turn, 0, tokens, prompt.length, turn.length);
        tokens[length - 1] = tokenizer.endOfSequence();
        for (int i = prompt.length + maskedTurn; i < length; i++) {
            trained[i] = true;
        }
        return new TokenizedExample(tokens, trained, prompt.length);
    }

    /**
     * Encodes a whole set.
     *
     * @throws TrainingDataException an example is too long (named by its line)
     */
    public List<TokenizedExample> encode(TrainingSet set) {
        List<TokenizedExample> out = new ArrayList<>(set.size());
        for (int i = 0; i < set.size(); i++) {
            try {
                out.add(encode(set.examples().get(i)));
            } catch (IllegalArgumentException e) {
                throw new TrainingDataException(set.source(), set.lines().get(i), e.getMessage(), e);
            }
        }
        return out;
    }
}
