package dev.deliberate.robotics.testing;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/** The rosbridge-protocol relay fixture ({@code src/test/node/relay.mjs}) as a child process. */
public final class Relay implements AutoCloseable {

    private final ChildProcess process;
    private final int port;

    private Relay(ChildProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts a relay on {@code port} (0: a free port chosen by the OS) and waits until it listens. */
    public static Relay start(int port) throws IOException, InterruptedException {
        var dir = Peers.nodeDir();
        ChildProcess p = ChildProcess.start(dir, "relay.mjs", List.of("--port", Integer.toString(port), "--action",
                "deliberate_msgs/action/Reason=" + Peers.reasonActionFile()));
        String line = p.awaitLine("LISTENING ", Duration.ofSeconds(20)).orElse(null);
        if (line == null) {
            p.close();
            throw new IOException("relay did not start on port " + port + ": " + p.lines());
        }
        return new Relay(p, Integer.parseInt(line.substring("LISTENING ".length()).trim()));
    }

    /** The port it listens on (127.0.0.1). */
    public int port() {
        return port;
    }

    /** {@code ws://127.0.0.1:PORT}. */
    public URI uri() {
        return URI.create("ws://127.0.0.1:" + port);
    }

    /** The protocol violations the relay saw (each a JSON object). */
    public List<String> protocolErrors() {
        return process.linesStartingWith("PROTOCOL-ERROR ");
    }

    /** Waits for a line of the relay's log (ADVERTISED, SUBSCRIBED...). */
    public boolean awaitLog(String prefix, Duration timeout) throws InterruptedException {
        return process.awaitLine(prefix, timeout).isPresent();
    }

    /** Every line of its output. */
    public List<String> output() {
        return process.lines();
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
