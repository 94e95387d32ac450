package dev.deliberate.cli.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The plain forms of {@code dicom echo} and {@code dicom send} that the entry point runs without picocli must mean
 * what picocli makes of them, for every argument list the plain reader accepts.
 */
class DimseRunsTest {

    private static final List<String> WORDS = List.of("--aet", "ME", "--called", "PACS", "--host", "h.example",
            "--port", "104", "--port=11112", "0", "65536", "0104", "--timeout", "5", "--quiet", "--associations", "--max-ops",
            "2", "17", "a.dcm", "dir", "--tls", "--trust-cert", "-h", "@args", "--", "");

    /** Target fields as a comparable list, with the TLS options (which the plain form never sets). */
    private static List<Object> fields(DimseTarget t) {
        return List.of(t.calling, String.valueOf(t.called), t.host, t.port, t.timeoutSeconds, t.tls.tls,
                t.tls.trustCerts, String.valueOf(t.tls.keyStore), String.valueOf(t.tls.trustStore));
    }

    private static Optional<List<Object>> picocliEcho(List<String> args) {
        EchoCommand c = new EchoCommand();
        return PlainFormsCheck.picocliRuns(c, args) ? Optional.of(fields(c.target)) : Optional.empty();
    }

    private static Optional<List<Object>> picocliSend(List<String> args) {
        SendCommand c = new SendCommand();
        if (!PlainFormsCheck.picocliRuns(c, args)) {
            return Optional.empty();
        }
        List<Object> all = new ArrayList<>(fields(c.target));
        all.addAll(List.of(c.paths, c.quiet, c.associations, c.maxOperations));
        return Optional.of(all);
    }

    @Test
    void plainEchoAndSendMeanWhatPicocliMakesOfThem() {
        int plainEcho = 0;
        int plainSend = 0;
        int cases = 0;
        List<List<String>> lists = new ArrayList<>();
        // the required options first, then up to three more words in every order: about 18,000 lists each
        for (List<String> head : List.of(List.of("--called", "PACS", "--port", "104"), List.of("--port=11112",
                "--called", "X"), List.<String>of())) {
            lists.addAll(PlainFormsCheck.lists(head, WORDS, 3));
        }
        for (List<String> a : lists) {
            cases++;
            Optional<DimseTarget> echo = DimseRuns.echoTarget(a);
            if (echo.isPresent()) {
                plainEcho++;
                assertEquals(picocliEcho(a), Optional.of(fields(echo.get())), () -> "echo " + a);
            }
            Optional<DimseRuns.SendArgs> send = DimseRuns.sendArgs(a);
            if (send.isPresent()) {
                plainSend++;
                List<Object> all = new ArrayList<>(fields(send.get().target()));
                all.addAll(List.of(send.get().paths(), send.get().quiet(), send.get().associations(),
                        send.get().maxOperations()));
                if (send.get().associations() > 16) {
                    throw new AssertionError("associations out of range accepted: " + a);
                }
                if (send.get().maxOperations() < 1 || send.get().maxOperations() > 64) {
                    throw new AssertionError("--max-ops out of range accepted: " + a);
                }
                assertEquals(picocliSend(a), Optional.of(all), () -> "send " + a);
            }
        }
        assertTrue(cases > 50_000, "cases " + cases);
        assertTrue(plainEcho > 50 && plainSend > 5_000, "plain echo " + plainEcho + ", send " + plainSend);
    }

    @Test
    void whatNeedsPicocliIsLeftToIt() {
        for (List<String> a : List.<List<String>>of(List.of(), List.of("--called", "P"), List.of("--port", "104"),
                List.of("--called", "P", "--port", "104", "--tls"), List.of("--called", "P", "--port", "0"),
                List.of("--called", "P", "--port", "104", "--help"), List.of("--called", "-P", "--port", "104"),
                List.of("--called", "P", "--port", "104", "--port", "105"), List.of("@file"))) {
            assertEquals(Optional.empty(), DimseRuns.echoTarget(a), () -> "echo " + a);
            List<String> withFile = new ArrayList<>(a);
            withFile.add("f.dcm");
            assertEquals(Optional.empty(), DimseRuns.sendArgs(withFile), () -> "send " + withFile);
        }
        assertEquals(Optional.empty(), DimseRuns.sendArgs(List.of("--called", "P", "--port", "104")), "no files");
        assertEquals(Optional.empty(),
                DimseRuns.sendArgs(List.of("--called", "P", "--port", "104", "--associations", "17", "f")));
        assertEquals(Optional.empty(),
                DimseRuns.sendArgs(List.of("--called", "P", "--port", "104", "--max-ops", "65", "f")));
        assertEquals(Optional.empty(),
                DimseRuns.sendArgs(List.of("--called", "P", "--port", "104", "--max-ops", "0", "f")));
    }

}
