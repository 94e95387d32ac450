package dev.deliberate.cli.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link ScanRequest#parsePlain} (the picocli-free path of {@code dicom scan}) must give what picocli gives for every
 * argument list it takes, and leave to picocli everything that needs picocli: help, errors, {@code @files}.
 */
class ScanCommandTest {

    /** What picocli makes of the arguments: the fields it set, or empty when it rejects them or shows help. */
    private static Optional<ScanRequest> picocli(List<String> args) {
        ScanCommand c = new ScanCommand();
        if (!PlainFormsCheck.picocliRuns(c, args)) {
            return Optional.empty();
        }
        if (c.threads < 1 || c.threads > 256) {
            return Optional.empty(); // call() rejects it as a usage error
        }
        return Optional.of(new ScanRequest(c.dir, c.threads, c.lenient, c.listErrors));
    }

    @Test
    void plainArgumentsParseAsPicocliParsesThem() {
        List<String> words = List.of("/data", "d ir", "--threads", "2", "--threads=3", "--lenient", "--list-errors",
                "256", "257", "0", "010", "-1", "--", "-h", "--help", "-V", "@args", "--debug", "--lenient=true",
                "--thread", "x", "");
        // every list of up to four of these words, in every order: about 245,000 cases
        List<List<String>> cases = PlainFormsCheck.lists(List.of(), words, 4);
        int plain = 0;
        for (List<String> a : cases) {
            Optional<ScanRequest> p = ScanRequest.parsePlain(a);
            if (p.isPresent()) {
                plain++;
                assertEquals(picocli(a), p, () -> "arguments " + a);
            }
        }
        assertTrue(plain > 500, "plain forms covered: " + plain);
        assertTrue(cases.size() > 240_000, "cases: " + cases.size());
    }

    @Test
    void whatNeedsPicocliIsLeftToIt() {
        for (List<String> a : List.<List<String>>of(List.of(), List.of("--help"), List.of("-h", "/d"), List.of("/d", "--version"),
                List.of("@opts"), List.of("/d", "--threads", "0"), List.of("/d", "--threads", "257"),
                List.of("/d", "--threads"), List.of("/d", "--threads", "two"), List.of("/d", "/e"),
                List.of("/d", "--debug"), List.of("--", "/d"), List.of("/d", "--lenient", "--lenient"),
                List.of("/d", "--unknown"), List.of("/d\u0000"))) {
            assertEquals(Optional.empty(), ScanRequest.parsePlain(a), () -> "arguments " + a);
        }
        assertEquals(Optional.of(new ScanRequest(java.nio.file.Path.of("/d"), 4, false, true)),
                ScanRequest.parsePlain(List.of("--threads=4", "--list-errors", "/d")));
    }

}
