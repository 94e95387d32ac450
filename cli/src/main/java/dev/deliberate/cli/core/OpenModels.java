package dev.deliberate.cli.core;

import dev.deliberate.core.ModelLocator;
import dev.deliberate.core.ModelOptions;
import dev.deliberate.core.ReasoningModel;
import dev.deliberate.core.ReasoningModels;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The models a council or cascade command uses: each distinct locator is opened once, all are closed at the end. */
final class OpenModels implements AutoCloseable {

    private final Map<String, ReasoningModel> open = new LinkedHashMap<>();
    private final ModelOptions options;
    private final PrintWriter err;

    OpenModels(ModelOptions options, PrintWriter err) {
        this.options = options;
        this.err = err;
    }

    /** The model at {@code locator}, opened on first use. */
    ReasoningModel get(String locator) {
        ReasoningModel m = open.get(locator);
        if (m == null) {
            ModelLocator l = ModelLocator.parse(locator);
            m = ReasoningModels.open(l, LoadProgress.attach(options, l, err));
            open.put(locator, m);
        }
        return m;
    }

    /** A short display name for a locator: the file name without {@code .gguf}, or the endpoint's model id. */
    static String shortName(String locator) {
        ModelLocator l = ModelLocator.parse(locator);
        if (l instanceof ModelLocator.File f) {
            String n = f.path().getFileName().toString();
            return n.endsWith(".gguf") ? n.substring(0, n.length() - 5) : n;
        }
        ModelLocator.Endpoint e = (ModelLocator.Endpoint) l;
        return e.modelId().isEmpty() ? e.baseUrl().getHost() : e.modelId();
    }

    /** Unique member names for the given locators: the short name, with #2, #3... for repeats. */
    static List<String> memberNames(List<String> locators) {
        Map<String, Integer> seen = new LinkedHashMap<>();
        List<String> out = new ArrayList<>();
        for (String l : locators) {
            String base = shortName(l);
            int n = seen.merge(base, 1, Integer::sum);
            out.add(n == 1 ? base : base + "#" + n);
        }
        return out;
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (ReasoningModel m : open.values()) {
            try {
                m.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        open.clear();
        if (first != null) {
            throw first;
        }
    }
}
