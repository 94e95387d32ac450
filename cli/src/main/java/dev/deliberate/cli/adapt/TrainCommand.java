package dev.deliberate.cli.adapt;

import dev.deliberate.adapt.model.LoraConfig;
import dev.deliberate.adapt.model.LoraTarget;
import dev.deliberate.adapt.train.Checkpointing;
import dev.deliberate.adapt.train.ThinkingLoss;
import dev.deliberate.adapt.train.Trainer;
import dev.deliberate.adapt.train.TrainingBudget;
import dev.deliberate.adapt.train.TrainingConfig;
import dev.deliberate.adapt.train.TrainingMode;
import dev.deliberate.adapt.train.TrainingResult;
import dev.deliberate.adapt.train.TrainingSet;
import dev.deliberate.cli.core.DurationConverter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code deliberate adapt train}: LoRA (or full) training on chat examples, with a progress bar. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Train a LoRA adapter for a GGUF model on chat examples (JSON Lines, one per line:",
            "  {\"messages\":[{\"role\":\"user\",\"content\":\"...\"},"
                    + "{\"role\":\"assistant\",\"thinking\":\"...\",\"content\":\"...\"}]}),",
            "tokenised exactly as the model sees them at inference. Writes a GGUF adapter that llama.cpp loads",
            "(deliberate reason --lora FILE), or with --full a whole trained GGUF model.",
            "A checkpoint (OUT.ckpt) is written as training goes; --resume continues a killed run from it."
        })
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "BASE.gguf", description = "The base model.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Training examples (JSON Lines).")
    Path data;

    @Option(names = "--eval", paramLabel = "FILE", description = "Held-out examples: their loss is reported.")
    Path eval;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "The adapter (or, with --full, the model) to write.")
    Path out;

    @Option(names = "--rank", defaultValue = "8", description = "LoRA rank (default: ${DEFAULT-VALUE}).")
    int rank;

    @Option(names = "--alpha", description = "LoRA alpha (default: twice the rank).")
    Float alpha;

    @Option(names = "--dropout", defaultValue = "0", description = "LoRA dropout (default: ${DEFAULT-VALUE}).")
    float dropout;

    @Option(names = "--targets", split = ",", paramLabel = "q,k,v,o,gate,up,down",
            description = "Projections to adapt (default: q,k,v,o).")
    List<String> targets = List.of("q", "k", "v", "o");

    @Option(names = "--steps", description = "Optimizer steps (default: 100 when --time is not given).")
    Long steps;

    @Option(names = "--time", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Wall-clock budget, e.g. 10m; with --steps, whichever comes first.")
    Duration time;

    @Option(names = "--lr", defaultValue = "2e-4", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--batch", defaultValue = "1", description = "Examples per micro-batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--accumulate", defaultValue = "1",
            description = "Micro-batches per optimizer step (default: ${DEFAULT-VALUE}).")
    int accumulate;

    @Option(names = "--max-seq", defaultValue = "512",
            description = "Most tokens per example; longer ones are refused (default: ${DEFAULT-VALUE}).")
    int maxSequenceLength;

    @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", defaultValue = "0",
            description = "CPU threads for training, 0 for half the cores (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--mask-thinking", description = "Do not train the examples' thinking, only the answers.")
    boolean maskThinking;

    @Option(names = "--full", description = "Train every weight and write a whole GGUF model instead of an adapter.")
    boolean full;

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "Checkpoint file (default: OUT.ckpt).")
    Path checkpoint;

    @Option(names = "--checkpoint-every", defaultValue = "50",
            description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--resume", description = "Continue from the checkpoint when it exists.")
    boolean resume;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        TrainingConfig config = config();
        TrainingSet train = TrainingSet.read(data);
        Optional<TrainingSet> held = Optional.ofNullable(eval).map(TrainingSet::read);
        Path ckpt = checkpoint != null ? checkpoint : out.resolveSibling(out.getFileName() + ".ckpt");
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter w = spec.commandLine().getOut();
        if (!resume && java.nio.file.Files.isRegularFile(ckpt)) {
            err.println("deliberate: starting fresh; " + ckpt + " will be overwritten (--resume continues it)");
        }
        try (Trainer trainer = Trainer.open(model, config)) {
            err.println("deliberate: training " + model.getFileName() + " on " + train.size() + " examples ("
                    + (full ? "every weight" : "LoRA rank " + rank) + "), memory estimate "
                    + trainer.memoryEstimate());
            err.flush();
            ProgressBar bar = new ProgressBar(err, System.console() != null);
            TrainingResult result = trainer.train(train, held,
                    resume ? Checkpointing.resumeFrom(ckpt) : Checkpointing.to(ckpt), bar);
            bar.finish();
            if (full) {
                trainer.exportModel(out);
            } else {
                trainer.exportAdapter(out);
            }
            w.printf(Locale.ROOT, "wrote %s: %d steps%s, loss %s, %s%,.0f tokens/s, %s (%s); checkpoint %s%n", out,
                    result.steps(), result.resumedFrom().isPresent() ? " (resumed at "
                            + result.resumedFrom().getAsLong() + ")" : "",
                    result.losses().isEmpty() ? "-" : String.format(Locale.ROOT, "%.3f -> %.3f",
                            result.losses().get(0), result.lastLoss().orElseThrow()),
                    result.evalLoss().map(l -> String.format(Locale.ROOT, "eval loss %s%.3f, ",
                            result.initialEvalLoss().map(b -> String.format(Locale.ROOT, "%.3f -> ", b))
                                    .orElse(""), l)).orElse(""),
                    result.tokensPerSecond(), ProgressBar.duration(result.elapsed()),
                    result.stop().name().toLowerCase(Locale.ROOT) + " budget", ckpt);
            w.flush();
        }
        return 0;
    }

    private TrainingConfig config() {
        EnumSet<LoraTarget> set = EnumSet.noneOf(LoraTarget.class);
        for (String t : targets) {
            set.add(target(t));
        }
        TrainingBudget budget = new TrainingBudget(steps == null && time == null ? OptionalLong.of(100)
                : steps == null ? OptionalLong.empty() : OptionalLong.of(steps), Optional.ofNullable(time));
        return TrainingConfig.builder()
                .mode(full ? TrainingMode.FULL : TrainingMode.LORA)
                .lora(new LoraConfig(rank, alpha != null ? alpha : 2f * rank, dropout, set))
                .learningRate(learningRate)
                .batchSize(batch)
                .gradientAccumulation(accumulate)
                .maxSequenceLength(maxSequenceLength)
                .budget(budget)
                .seed(seed)
                .checkpointInterval(checkpointEvery)
                .thinkingLoss(maskThinking ? ThinkingLoss.MASK : ThinkingLoss.TRAIN)
                .threads(threads)
                .build();
    }

    private static LoraTarget target(String name) {
        for (LoraTarget t : LoraTarget.values()) {
            if (t.name().equalsIgnoreCase(name.trim()) || t.tensorStem().equalsIgnoreCase(name.trim())) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown LoRA target '" + name + "'; use q, k, v, o, gate, up, down");
    }
}
