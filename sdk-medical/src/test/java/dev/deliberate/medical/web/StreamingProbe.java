package dev.deliberate.medical.web;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Run in a child JVM with a heap smaller than one instance (see {@link DicomWebStreamingIT}): STOWs the files of a
 * folder to a loopback server that reads them back part by part, then retrieves them by WADO-RS into another folder.
 * Prints {@code ok STORED_BYTES RETRIEVED_FILES} on success.
 */
public final class StreamingProbe {
    private StreamingProbe() {}

    public static void main(String[] args) throws Exception {
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        List<Path> files;
        try (Stream<Path> s = Files.list(in)) {
            files = s.sorted().toList();
        }
        AtomicLong received = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/dicom-web/studies", ex -> {
            try {
                if (ex.getRequestMethod().equals("POST")) {
                    String boundary = MultipartReader.boundaryOf(ex.getRequestHeaders().getFirst("Content-Type"));
                    StringBuilder items = new StringBuilder();
                    try (MultipartReader r = new MultipartReader(ex.getRequestBody(), boundary,
                            DicomWebLimits.defaults())) {
                        Optional<MultipartReader.Part> p;
                        int i = 0;
                        while ((p = r.next()).isPresent()) {
                            received.addAndGet(p.get().body().transferTo(OutputStream.nullOutputStream()));
                            items.append(i++ == 0 ? "" : ",").append("{\"00081155\":{\"vr\":\"UI\",\"Value\":[\"1.2."
                                    + i + "\"]}}");
                        }
                    }
                    byte[] body = ("{\"00081199\":{\"vr\":\"SQ\",\"Value\":[" + items + "]}}").getBytes();
                    ex.getResponseHeaders().set("Content-Type", "application/dicom+json");
                    ex.sendResponseHeaders(200, body.length);
                    ex.getResponseBody().write(body);
                } else {
                    ex.getResponseHeaders().set("Content-Type",
                            "multipart/related; type=\"application/dicom\"; boundary=probe");
                    ex.sendResponseHeaders(200, 0);
                    OutputStream o = ex.getResponseBody();
                    for (Path f : files) {
                        o.write("--probe\r\nContent-Type: application/dicom\r\n\r\n".getBytes());
                        try (InputStream fin = Files.newInputStream(f)) {
                            fin.transferTo(o);
                        }
                        o.write("\r\n".getBytes());
                    }
                    o.write("--probe--\r\n".getBytes());
                }
            } finally {
                ex.close();
            }
        });
        server.start();
        try (DicomWebClient web = DicomWebClient.builder(URI.create("http://127.0.0.1:" + server.getAddress().getPort()
                + "/dicom-web/")).build()) {
            StowResult r = web.store(new ArrayList<>(files));
            if (r.stored().size() != files.size()) {
                throw new IllegalStateException("stored " + r.stored());
            }
            List<Path> got = web.retrieve(WadoTarget.study("1.2.3"), out, TransferListener.NONE);
            System.out.println("ok " + received.get() + " " + got.size());
        } finally {
            server.stop(0);
        }
    }
}
