package dev.deliberate.medical.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PresentationContextsTest {

    private static final List<String> SYNTAXES = List.of("1.2.840.10008.1.2", "1.2.840.10008.1.2.1",
            "1.2.840.10008.1.2.1.99", "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.90",
            "1.2.840.10008.1.2.5");

    /** A group grows while forPairs's proposals fit one association, counting exactly what forPairs proposes. */
    @Test
    void groupCountsWhatForPairsProposesAndStopsAt128() {
        Random random = new Random(11);
        for (int run = 0; run < 200; run++) {
            PresentationContexts.Group group = new PresentationContexts.Group();
            List<List<String>> added = new ArrayList<>();
            int classes = 1 + random.nextInt(90);
            for (int n = 0; n < 400; n++) {
                List<String> pair = List.of("1.2.840.10008.5.1.4.1.1." + random.nextInt(classes),
                        SYNTAXES.get(random.nextInt(SYNTAXES.size())));
                List<List<String>> tried = new ArrayList<>(added);
                tried.add(pair);
                int wanted = proposals(tried);
                boolean fits = group.add(pair);
                assertEquals(wanted <= 128, fits, () -> "pairs " + tried);
                if (fits) {
                    added = tried;
                }
                assertEquals(added, group.pairs());
                assertEquals(proposals(added), group.contexts());
            }
        }
    }

    @Test
    void theVerificationContextAloneIsOne() {
        PresentationContexts.Group group = new PresentationContexts.Group();
        assertEquals(1, group.contexts());
        assertTrue(group.add(List.of("1.2.840.10008.1.1", "1.2.840.10008.1.2")));
        assertEquals(2, group.contexts(), "verification is proposed once; its uncompressed fallback is one more");
    }

    /** How many contexts forPairs proposes, or 129 when it refuses (more than 128). */
    private static int proposals(List<List<String>> pairs) {
        try {
            return PresentationContexts.forPairs(pairs).size();
        } catch (IllegalArgumentException tooMany) {
            return 129;
        }
    }
}
