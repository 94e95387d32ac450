package dev.deliberate.samples.weld;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.core.io.AtomicFiles;
import dev.deliberate.core.profile.DomainProfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Training and held-out data for a weld-inspection LoRA adapter, derived from the acceptance rules in the profile's
 * {@code system.md}: seam descriptions in several wordings with seeded lengths, depths and pore sizes, each labelled
 * by those rules. The training set is chat examples in the format {@code deliberate adapt train} reads, with the
 * prompt exactly as {@link DomainProfile#request} sends it (the profile's full system prompt, then the description),
 * so the adapter is trained on the tokens it sees at evaluation. The held-out set is evaluation cases in the format
 * {@code deliberate eval --cases} reads; no held-out description occurs in the training set, and neither set contains
 * a description of the profile's own {@code cases.jsonl}.
 *
 * <p>What a model learns from it is the answer format and the rules as this generator states them: a description
 * names the defect in one of a handful of wordings, so this is a check that adaptation works end to end, not a
 * weld-inspection benchmark.
 *
 * @param trainExamples how many training examples
 * @param heldOutCases  how many held-out evaluation cases
 * @param seed          the seed of every random choice
 */
public record WeldTrainingData(int trainExamples, int heldOutCases, long seed) {

    /** The sizes and seed of the files shipped in {@code samples/weld-inspection/adapt}. */
    public static final WeldTrainingData SHIPPED = new WeldTrainingData(240, 40, 2026);

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String[] PLACES = {"root pass", "cap", "upper toe", "lower toe", "end crater", "start"};

    /** Validates. */
    public WeldTrainingData {
        if (trainExamples < 1 || heldOutCases < 1 || trainExamples + heldOutCases > 5000) {
            throw new IllegalArgumentException("between 1 and 5000 examples in all, at least one of each: "
                    + trainExamples + " + " + heldOutCases);
        }
    }

    /** One labelled description. */
    record Labelled(String input, String defect, String severity, String action, int lengthMm) {
        String answerJson() {
            ObjectNode a = JSON.createObjectNode();
            a.put("defect", defect).put("severity", severity).put("action", action).put("length_mm", lengthMm);
            return a.toString();
        }
    }

    /**
     * Writes {@code train.jsonl} (chat examples), {@code heldout.jsonl} (the held-out set as chat examples, for the
     * trainer's held-out loss) and {@code heldout-cases.jsonl} (the same held-out set as evaluation cases) into
     * {@code dir}, each atomically.
     *
     * @param profile the profile whose system prompt the training prompts carry
     * @param dir     the output folder (created if needed)
     * @throws IOException if a file cannot be written
     */
    public void write(DomainProfile profile, Path dir) throws IOException {
        Files.createDirectories(dir);
        Set<String> excluded = new LinkedHashSet<>();
        profile.evaluation().cases().forEach(c -> excluded.add(c.input()));
        profile.examples().forEach(e -> excluded.add(e.input()));
        List<Labelled> all = generate(excluded);
        String system = profile.fullSystemPrompt();
        String train = chat(system, all.subList(0, trainExamples));
        String heldOutChat = chat(system, all.subList(trainExamples, all.size()));
        StringBuilder cases = new StringBuilder();
        int n = 0;
        for (Labelled l : all.subList(trainExamples, all.size())) {
            ObjectNode line = JSON.createObjectNode();
            line.put("id", String.format(Locale.ROOT, "held-%02d-%s", ++n, l.defect()));
            line.put("input", l.input());
            line.set("expected", JSON.readTree(l.answerJson()));
            cases.append(line).append('\n');
        }
        AtomicFiles.write(dir.resolve("train.jsonl"), train.getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(dir.resolve("heldout.jsonl"), heldOutChat.getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(dir.resolve("heldout-cases.jsonl"), cases.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Chat examples in the format {@code deliberate adapt train} reads, one per line. */
    private static String chat(String system, List<Labelled> examples) {
        StringBuilder sb = new StringBuilder();
        for (Labelled l : examples) {
            ObjectNode line = JSON.createObjectNode();
            ArrayNode messages = line.putArray("messages");
            messages.addObject().put("role", "system").put("content", system);
            messages.addObject().put("role", "user").put("content", l.input());
            messages.addObject().put("role", "assistant").put("content", l.answerJson());
            sb.append(line).append('\n');
        }
        return sb.toString();
    }

    /** Distinct labelled descriptions, training ones first, none of them in {@code excluded}. */
    List<Labelled> generate(Set<String> excluded) {
        Random r = new Random(seed);
        Set<String> seen = new LinkedHashSet<>(excluded);
        List<Labelled> out = new ArrayList<>();
        int want = trainExamples + heldOutCases;
        for (int attempts = 0; out.size() < want; attempts++) {
            if (attempts > 200 * want) {
                throw new IllegalStateException("cannot make " + want + " distinct descriptions");
            }
            Labelled l = one(r);
            if (seen.add(l.input())) {
                out.add(l);
            }
        }
        return out;
    }

    /** One description, labelled by the rules of {@code system.md}. */
    private static Labelled one(Random r) {
        String place = PLACES[r.nextInt(PLACES.length)];
        int length = 3 + r.nextInt(118);
        switch (r.nextInt(6)) {
            case 0 -> {
                String text = switch (r.nextInt(3)) {
                    case 0 -> cap(place) + ", " + length + " mm crack along the seam.";
                    case 1 -> "Hairline crack of " + length + " mm at the " + place + ".";
                    default -> "A transverse crack, about " + length + " mm, across the " + place + ".";
                };
                return new Labelled(text, "crack", "reject", "repair", length);
            }
            case 1 -> {
                boolean small = r.nextBoolean();
                int count = 2 + r.nextInt(7);
                String size = small ? new String[] {"0.3", "0.5", "0.8", "1"}[r.nextInt(4)]
                        : new String[] {"1.5", "2", "3"}[r.nextInt(3)];
                boolean cluster = !small && r.nextBoolean();
                String text = cluster
                        ? "A cluster of " + size + " mm pores over " + length + " mm at the " + place + "."
                        : count + " isolated pores of " + size + " mm over " + length + " mm of seam.";
                return small ? new Labelled(text, "porosity", "minor", "monitor", length)
                        : new Labelled(text, "porosity", "reject", "repair", length);
            }
            case 2 -> {
                boolean shallow = r.nextBoolean();
                String depth = shallow ? new String[] {"0.1", "0.2", "0.3", "0.4", "0.5"}[r.nextInt(5)]
                        : new String[] {"0.8", "1", "1.5", "2"}[r.nextInt(4)];
                String text = r.nextBoolean()
                        ? "Undercut " + depth + " mm deep along " + length + " mm of the " + place + "."
                        : "Undercut at the " + place + ", " + length + " mm long and " + depth + " mm deep.";
                return shallow ? new Labelled(text, "undercut", "minor", "monitor", length)
                        : new Labelled(text, "undercut", "reject", "repair", length);
            }
            case 3 -> {
                String text = switch (r.nextInt(3)) {
                    case 0 -> "Spatter near the " + place + ", no other marks.";
                    case 1 -> "Some spatter beside the " + place + ", fusion looks complete.";
                    default -> "Light spatter on both sides of the " + place + ", nothing else.";
                };
                return new Labelled(text, "spatter", "cosmetic", "clean", 0);
            }
            default -> {
                String text = switch (r.nextInt(3)) {
                    case 0 -> "Even ripples at the " + place + ", full fusion, no marks.";
                    case 1 -> "Clean seam over " + length + " mm, smooth toes, no defects seen.";
                    default -> "Uniform bead at the " + place + ", nothing to report.";
                };
                return new Labelled(text, "none", "accept", "none", 0);
            }
        }
    }

    private static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
