package dev.deliberate.medical.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.deliberate.core.io.AtomicFiles;
import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomParseException;
import dev.deliberate.medical.dicom.DicomReadOptions;
import dev.deliberate.medical.dicom.DicomReader;
import dev.deliberate.medical.dicom.Tags;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A DICOMweb client (PS3.18) for one service root, e.g. {@code https://pacs.example/dicom-web/}: QIDO-RS
 * ({@link #search}), WADO-RS ({@link #retrieve(WadoTarget, PartHandler)}, {@link #metadata}), STOW-RS
 * ({@link #store(List)}) and WADO-URI ({@link #wadoUri}).
 *
 * <p>Instances stream: a retrieval hands each instance to a {@link PartHandler} (or writes it to a file) while it
 * arrives, and a store request streams its files from disk, so neither ever holds a study in memory. Every response is
 * read against {@link DicomWebLimits}; an error status becomes a typed {@link DicomWebStatusException} carrying the
 * server's message; a server that does not answer, or stops sending mid-response, fails with a
 * {@link DicomWebConnectionException} after the configured timeouts. Messages name the URL without its query (which
 * may hold patient identifiers) and never show credentials.
 *
 * <pre>{@code
 * try (DicomWebClient web = DicomWebClient.builder(URI.create("http://127.0.0.1:8042/dicom-web/"))
 *         .auth(DicomWebAuth.bearer(token)).build()) {
 *     StowResult stored = web.store(List.of(Path.of("CT_small.dcm")));
 *     List<DicomObject> studies = web.search(QidoQuery.studies().match("PatientID", "1CT1"));
 *     List<Path> files = web.retrieve(WadoTarget.study(uid), Path.of("out"), TransferListener.NONE);
 * }
 * }</pre>
 *
 * <p>Thread-safe: one client can serve many threads.
 */
public final class DicomWebClient implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String DICOM = "application/dicom";
    private static final String DICOM_JSON = "application/dicom+json";
    private static final int MESSAGE_BYTES = 4096;
    /** How much of an instance is read to find its SOP Instance UID before it is written to disk. */
    private static final int HEAD_BYTES = 1 << 20;
    private static final int MAX_FILES_PER_STORE = 100;
    private static final long MAX_BYTES_PER_STORE = 256L << 20;

    private final URI root;
    private final Optional<URI> wadoUri;
    private final Optional<DicomWebAuth> auth;
    private final Duration requestTimeout;
    private final Duration readTimeout;
    private final DicomWebLimits limits;
    private final String transferSyntax;
    private final ExecutorService executor;
    private final ScheduledExecutorService watchdog;
    private final HttpClient http;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DicomWebClient(Builder b) {
        this.root = b.root;
        this.wadoUri = b.wadoUri;
        this.auth = b.auth;
        this.requestTimeout = b.requestTimeout;
        this.readTimeout = b.readTimeout;
        this.limits = b.limits;
        this.transferSyntax = b.transferSyntax;
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "dicomweb-http");
            t.setDaemon(true);
            return t;
        });
        ScheduledThreadPoolExecutor alarms = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "dicomweb-read-timeout");
            t.setDaemon(true);
            return t;
        });
        alarms.setRemoveOnCancelPolicy(true); // one alarm per read: cancelled ones must not pile up in the queue
        this.watchdog = alarms;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(b.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).executor(executor).build();
    }

    /**
     * A builder for the service at {@code serviceRoot} (the URL that {@code studies} is relative to). It must be
     * http or https and carry no user info: credentials go in {@link Builder#auth(DicomWebAuth)}.
     */
    public static Builder builder(URI serviceRoot) {
        return new Builder(serviceRoot);
    }

    /** Handles one instance of a WADO-RS response while it streams in. */
    @FunctionalInterface
    public interface PartHandler {
        /**
         * Reads (or skips) the part's body; the part is valid only during this call.
         *
         * @throws IOException when the handler's own I/O fails; the retrieval stops
         */
        void accept(RetrievedPart part) throws IOException;
    }

    /** The service root, ending in '/'. */
    public URI serviceRoot() {
        return root;
    }

    // ---------------------------------------------------------------- QIDO-RS

    /**
     * QIDO-RS: searches for studies, series or instances.
     *
     * @return the matches as datasets (attributes given by bulk data URI are left out), in the server's order
     * @throws DicomWebException when the server fails or answers out of bounds
     */
    public List<DicomObject> search(QidoQuery query) {
        Objects.requireNonNull(query, "query");
        String q = query.queryString();
        URI uri = resolve(query.path() + (q.isEmpty() ? "" : "?" + q));
        HttpResponse<InputStream> r = send(get(uri, DICOM_JSON + ", application/json"));
        try (InputStream body = r.body()) {
            if (r.statusCode() == 204) {
                return List.of();
            }
            expectStatus(r, 200);
            List<DicomObject> out = new ArrayList<>();
            ResponseBodies.readJsonArray(watched(body, r), describe(r), limits, node -> out.add(ResponseBodies.toDataset(node, new ArrayList<>(), describe(r))));
            return out;
        } catch (IOException e) {
            throw broken(r, e);
        }
    }

    // ---------------------------------------------------------------- WADO-RS

    /**
     * WADO-RS: retrieves the instances of a study, series or instance as {@code multipart/related;
     * type="application/dicom"}, in the transfer syntax they are stored in (unless the builder asked for another),
     * handing each to {@code handler} while it streams in.
     *
     * @return the number of instances received
     * @throws IOException       when the handler fails
     * @throws DicomWebException when the server fails or the response is malformed or out of bounds
     */
    public int retrieve(WadoTarget target, PartHandler handler) throws IOException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(handler, "handler");
        URI uri = resolve(target.path());
        HttpResponse<InputStream> r = send(get(uri, "multipart/related; type=\"" + DICOM + "\"; transfer-syntax="
                + transferSyntax));
        int count = 0;
        try (InputStream body = watched(r.body(), r)) {
            if (r.statusCode() == 204) {
                return 0;
            }
            expectStatus(r, 200, 206);
            String ct = r.headers().firstValue("Content-Type").orElse("");
            String boundary;
            try {
                boundary = MultipartReader.boundaryOf(ct);
            } catch (MultipartException e) {
                throw new DicomWebProtocolException(describe(r) + ": expected multipart/related, got "
                        + (ct.isEmpty() ? "no content type" : "'" + ct + "'"), e);
            }
            String type = MultipartReader.parameter(ct, "type").orElse(DICOM);
            if (!type.toLowerCase(Locale.ROOT).startsWith(DICOM)) {
                throw new DicomWebProtocolException(describe(r) + ": multipart of type '" + type + "', not "
                        + DICOM);
            }
            try (MultipartReader parts = new MultipartReader(body, boundary, limits)) {
                Optional<MultipartReader.Part> p;
                while ((p = parts.next()).isPresent()) {
                    MultipartReader.Part part = p.get();
                    String partType = part.contentType().orElse(type);
                    if (!partType.toLowerCase(Locale.ROOT).startsWith(DICOM)) {
                        throw new DicomWebProtocolException(describe(r) + ": part " + part.index()
                                + " has content type '" + partType + "', not " + DICOM);
                    }
                    handler.accept(new RetrievedPart(part.index(), partType, part.headers(), part.body()));
                    count++;
                }
            } catch (MultipartException e) {
                throw new MultipartException(describe(r) + ": " + e.getMessage(), e.part(), e.offset());
            }
        } catch (BrokenResponseException e) {
            throw e.exception();
        }
        return count;
    }

    /**
     * WADO-RS into a folder: each instance is written as {@code <SOP Instance UID>.dcm}, atomically (a file appears
     * only when complete; an existing file of that name is replaced), exactly as the server sent it. The UID is taken
     * from the instance's first megabyte and must be a valid UID, so a server cannot choose other file names.
     *
     * @return the files written, in the order received
     * @throws IOException       when a file cannot be written
     * @throws DicomWebException when the server fails or the response is malformed or out of bounds
     */
    public List<Path> retrieve(WadoTarget target, Path dir, TransferListener listener) throws IOException {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(listener, "listener");
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        long[] bytes = {0};
        retrieve(target, part -> {
            byte[] head = part.body().readNBytes(HEAD_BYTES);
            boolean whole = head.length < HEAD_BYTES;
            String uid = sopInstanceUid(head, whole, part.index());
            Path file = dir.resolve(uid + ".dcm");
            long[] n = {head.length};
            AtomicFiles.write(file, out -> {
                out.write(head);
                n[0] += part.body().transferTo(out);
            });
            written.add(file);
            bytes[0] += n[0];
            listener.progress(written.size(), bytes[0]);
        });
        return List.copyOf(written);
    }

    private static String sopInstanceUid(byte[] head, boolean whole, int index) {
        DicomReadOptions options = DicomReadOptions.defaults().withStopBeforePixels(true).withAllowTruncated(!whole);
        DicomFile f;
        try {
            f = new DicomReader(options).read(head);
        } catch (DicomParseException e) {
            throw new DicomWebProtocolException("part " + index + " is not a readable DICOM Part 10 instance: "
                    + e.reason(), e);
        }
        DicomObject ds = f.dataset();
        // a truncated head may have cut the UID short: trust it only when an element after it was read whole
        boolean complete = whole || ds.elements().stream()
                .anyMatch(e -> Integer.compareUnsigned(e.tag(), Tags.SOPInstanceUID) > 0);
        Optional<String> uid = complete ? ds.getString(Tags.SOPInstanceUID) : Optional.empty();
        if (uid.isEmpty() && !ds.isEmpty()) {
            uid = f.fileMeta().getString(Tags.MediaStorageSOPInstanceUID);
        }
        String u = uid.map(String::strip).orElse("");
        if (!WadoTarget.isUid(u)) {
            throw new DicomWebProtocolException("part " + index + " has no valid SOP Instance UID in its first "
                    + HEAD_BYTES + " bytes" + (u.isEmpty() ? "" : ": '" + shorten(u, 80) + "'"));
        }
        return u;
    }

    /**
     * WADO-RS metadata ({@code .../metadata}): every instance's attributes as DICOM JSON, bulk data by reference.
     *
     * @throws DicomWebException when the server fails or answers out of bounds
     */
    public List<InstanceMetadata> metadata(WadoTarget target) {
        List<InstanceMetadata> out = new ArrayList<>();
        metadata(target, out::add);
        return out;
    }

    /**
     * WADO-RS metadata, handed to {@code handler} one instance at a time while the JSON array streams in, so the
     * metadata of a very large study need not be held at once.
     *
     * @return the number of instances
     * @throws DicomWebException when the server fails or answers out of bounds
     */
    public int metadata(WadoTarget target, java.util.function.Consumer<InstanceMetadata> handler) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(handler, "handler");
        URI uri = resolve(target.path() + "/metadata");
        HttpResponse<InputStream> r = send(get(uri, DICOM_JSON + ", application/json"));
        try (InputStream body = r.body()) {
            if (r.statusCode() == 204) {
                return 0;
            }
            expectStatus(r, 200);
            return ResponseBodies.readJsonArray(watched(body, r), describe(r), limits, node -> {
                List<BulkDataReference> refs = new ArrayList<>();
                DicomObject ds = ResponseBodies.toDataset(node, refs, describe(r));
                handler.accept(new InstanceMetadata(ds, refs));
            });
        } catch (IOException e) {
            throw broken(r, e);
        }
    }

    /**
     * WADO-RS bulk data: the value a {@link BulkDataReference} points to (the first part of a {@code multipart/related;
     * type="application/octet-stream"} response), copied to {@code out}.
     *
     * <p>Credentials are only ever sent to this client's service: a reference to the same scheme, host and port is
     * fetched as it is; one whose path lies under the service root's path but that names another host (servers often
     * write their own host name, e.g. {@code localhost}) is fetched from the service root's host; any other reference
     * is refused with a {@link DicomWebProtocolException}.
     *
     * @return the bytes copied
     * @throws IOException when writing to {@code out} fails
     */
    public long retrieveBulkData(BulkDataReference reference, OutputStream out) throws IOException {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(out, "out");
        URI uri = onThisService(reference.uri());
        HttpResponse<InputStream> r = send(get(uri, "multipart/related; type=\"application/octet-stream\""));
        long[] n = {0};
        try (InputStream body = watched(r.body(), r)) {
            expectStatus(r, 200);
            String ct = r.headers().firstValue("Content-Type").orElse("");
            if (!ct.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
                return copyBounded(r, body, out, limits.maxPartSize()); // a server that sends the bytes bare
            }
            try (MultipartReader parts = new MultipartReader(body, MultipartReader.boundaryOf(ct), limits)) {
                MultipartReader.Part part = parts.next().orElseThrow(() -> new DicomWebProtocolException(describe(r)
                        + ": the bulk data response has no part"));
                n[0] = copyBounded(r, part.body(), out, limits.maxPartSize());
            } catch (MultipartException e) {
                throw new MultipartException(describe(r) + ": " + e.getMessage(), e.part(), e.offset());
            }
        } catch (BrokenResponseException e) {
            throw e.exception();
        }
        return n[0];
    }

    private URI onThisService(String reference) {
        URI ref;
        try {
            ref = root.resolve(new URI(reference));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new DicomWebProtocolException("bulk data URI is not a URI: '" + shorten(reference, 200) + "'");
        }
        boolean sameOrigin = Objects.equals(lower(ref.getScheme()), lower(root.getScheme()))
                && Objects.equals(lower(ref.getHost()), lower(root.getHost())) && port(ref) == port(root);
        if (sameOrigin && ref.getRawUserInfo() == null) {
            return ref;
        }
        String path = ref.getRawPath() == null ? "" : ref.getRawPath();
        if (path.startsWith(root.getRawPath()) && !path.contains("/../")) {
            return root.resolve(path.substring(root.getRawPath().length())
                    + (ref.getRawQuery() == null ? "" : "?" + ref.getRawQuery()));
        }
        throw new DicomWebProtocolException("bulk data URI " + redact(ref) + " is not on the service "
                + redact(root) + "; not fetched, so credentials stay with the service");
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    // ---------------------------------------------------------------- STOW-RS

    /**
     * STOW-RS: stores Part 10 files in one request ({@code POST .../studies}), streamed from disk.
     *
     * @return what the server stored and what it did not (a 409 with a Failed SOP Sequence is a result, not an
     *         exception)
     * @throws IOException       when a file is missing or unreadable
     * @throws DicomWebException when the server fails otherwise or answers out of bounds
     */
    public StowResult store(List<Path> files) throws IOException {
        return storeRequest(Optional.empty(), files);
    }

    /**
     * STOW-RS into one study ({@code POST .../studies/{uid}}): the server refuses instances of other studies.
     *
     * @throws IOException when a file is missing or unreadable
     */
    public StowResult store(String studyUid, List<Path> files) throws IOException {
        return storeRequest(Optional.of(WadoTarget.checkUid(studyUid, "study UID")), files);
    }

    /**
     * STOW-RS of many files in several requests of at most 100 files and 256 MiB each (one file larger than that
     * goes alone), telling {@code listener} after each request.
     *
     * @return the merged result of all requests
     * @throws IOException when a file is missing or unreadable
     */
    public StowResult store(List<Path> files, TransferListener listener) throws IOException {
        Objects.requireNonNull(listener, "listener");
        List<StowResult> results = new ArrayList<>();
        List<Path> batch = new ArrayList<>();
        long batchBytes = 0;
        int done = 0;
        long doneBytes = 0;
        for (Path f : files) {
            long size = size(f);
            if (!batch.isEmpty() && (batch.size() >= MAX_FILES_PER_STORE || batchBytes + size > MAX_BYTES_PER_STORE)) {
                results.add(store(batch));
                done += batch.size();
                doneBytes += batchBytes;
                listener.progress(done, doneBytes);
                batch = new ArrayList<>();
                batchBytes = 0;
            }
            batch.add(f);
            batchBytes += size;
        }
        if (!batch.isEmpty()) {
            results.add(store(batch));
            listener.progress(done + batch.size(), doneBytes + batchBytes);
        }
        return StowResult.merge(results);
    }

    private static long size(Path f) throws IOException {
        if (!Files.isRegularFile(f)) {
            throw new NoSuchFileException(f.toString(), null, "not a regular file");
        }
        return Files.size(f);
    }

    private StowResult storeRequest(Optional<String> study, List<Path> files) throws IOException {
        Objects.requireNonNull(files, "files");
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no files to store");
        }
        String boundary = "deliberate-" + HexFormat.of().formatHex(randomBytes(16));
        List<HttpRequest.BodyPublisher> parts = new ArrayList<>();
        for (Path f : files) {
            long size = size(f);
            if (!Files.isReadable(f)) {
                throw new java.nio.file.AccessDeniedException(f.toString());
            }
            parts.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "\r\nContent-Type: " + DICOM
                    + "\r\nContent-Length: " + size + "\r\n\r\n", StandardCharsets.ISO_8859_1));
            parts.add(HttpRequest.BodyPublishers.ofFile(f));
            parts.add(HttpRequest.BodyPublishers.ofString("\r\n", StandardCharsets.ISO_8859_1));
        }
        parts.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "--\r\n", StandardCharsets.ISO_8859_1));
        URI uri = resolve("studies" + study.map(s -> "/" + s).orElse(""));
        HttpRequest.Builder req = request(uri).header("Accept", DICOM_JSON + ", application/json")
                .header("Content-Type", "multipart/related; type=\"" + DICOM + "\"; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(parts.toArray(new HttpRequest.BodyPublisher[0])));
        HttpResponse<InputStream> r = send(req);
        try (InputStream body = r.body()) {
            expectStatus(r, 200, 202, 409);
            byte[] json = readBounded(r, body, limits.maxJsonBytes());
            if (json.length == 0 || new String(json, StandardCharsets.UTF_8).isBlank()) {
                if (r.statusCode() == 409) {
                    throw DicomWebStatusException.of("POST", uri, 409, "no Failed SOP Sequence in the response");
                }
                return new StowResult(r.statusCode(), Optional.empty(), List.of(), List.of());
            }
            JsonNode node;
            try {
                node = ResponseBodies.MAPPER.readTree(json);
            } catch (IOException e) {
                throw new DicomWebProtocolException(describe(r) + ": the response is not JSON", e);
            }
            if (node.isArray() && node.size() == 1) {
                node = node.get(0); // some servers wrap the response dataset in an array
            }
            if (!(node instanceof ObjectNode obj)) {
                throw new DicomWebProtocolException(describe(r) + ": the response is not a DICOM JSON dataset");
            }
            return StowResult.of(r.statusCode(), ResponseBodies.toDataset(obj, new ArrayList<>(), describe(r)));
        }
    }

    // ---------------------------------------------------------------- WADO-URI

    /**
     * WADO-URI (PS3.18 chapter 9): {@code requestType=WADO&studyUID=..&seriesUID=..&objectUID=..&contentType=
     * application/dicom} on the endpoint given to {@link Builder#wadoUri(URI)}, copied to {@code out}.
     *
     * @return the bytes copied
     * @throws IOException       when writing to {@code out} fails
     * @throws IllegalStateException when the client was built without a WADO-URI endpoint
     */
    public long wadoUri(String studyUid, String seriesUid, String sopInstanceUid, OutputStream out)
            throws IOException {
        Objects.requireNonNull(out, "out");
        URI endpoint = wadoUri.orElseThrow(() -> new IllegalStateException(
                "no WADO-URI endpoint: set one with DicomWebClient.Builder.wadoUri(URI)"));
        String query = "requestType=WADO&studyUID=" + WadoTarget.checkUid(studyUid, "study UID")
                + "&seriesUID=" + WadoTarget.checkUid(seriesUid, "series UID")
                + "&objectUID=" + WadoTarget.checkUid(sopInstanceUid, "SOP instance UID")
                + "&contentType=" + DICOM // '/' is allowed in a query (RFC 3986), and Orthanc does not decode %2F
                + (transferSyntax.equals("*") ? "" : "&transferSyntax=" + transferSyntax);
        String base = endpoint.toString();
        URI uri = URI.create(base + (base.contains("?") ? "&" : "?") + query);
        HttpResponse<InputStream> r = send(get(uri, DICOM + ", */*"));
        try (InputStream body = watched(r.body(), r)) {
            expectStatus(r, 200);
            String ct = r.headers().firstValue("Content-Type").orElse(DICOM);
            if (!ct.toLowerCase(Locale.ROOT).startsWith(DICOM)) {
                throw new DicomWebProtocolException(describe(r) + ": content type '" + shorten(ct, 100) + "', not "
                        + DICOM);
            }
            return copyBounded(r, body, out, limits.maxPartSize());
        } catch (BrokenResponseException e) {
            throw e.exception();
        }
    }

    /**
     * WADO-URI into a file, written atomically.
     *
     * @return the bytes written
     * @throws IOException when the file cannot be written
     */
    public long wadoUri(String studyUid, String seriesUid, String sopInstanceUid, Path target) throws IOException {
        long[] n = {0};
        AtomicFiles.write(target, out -> n[0] = wadoUri(studyUid, seriesUid, sopInstanceUid, out));
        return n[0];
    }

    /** Stops the client's threads; later calls fail with {@link IllegalStateException}. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            watchdog.shutdownNow();
            executor.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- plumbing

    private URI resolve(String relative) {
        return root.resolve(relative);
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(requestTimeout);
        auth.ifPresent(a -> b.header(a.headerName(), a.headerValue()));
        return b;
    }

    private HttpRequest.Builder get(URI uri, String accept) {
        return request(uri).header("Accept", accept).GET();
    }

    private HttpResponse<InputStream> send(HttpRequest.Builder builder) {
        if (closed.get()) {
            throw new IllegalStateException("the DICOMweb client is closed");
        }
        HttpRequest req = builder.build();
        String what = req.method() + " " + redact(req.uri());
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            throw new DicomWebConnectionException(what + ": cannot connect to " + hostPort(req.uri())
                    + " (no answer within " + seconds(http.connectTimeout().orElse(Duration.ZERO)) + ")", e);
        } catch (HttpTimeoutException e) {
            throw new DicomWebConnectionException(what + ": no response within " + seconds(requestTimeout), e);
        } catch (ConnectException e) {
            String why = e.getCause() instanceof java.nio.channels.UnresolvedAddressException ? "unknown host"
                    : e.getMessage() == null || e.getMessage().isBlank() ? "connection refused" : e.getMessage();
            throw new DicomWebConnectionException(what + ": cannot connect to " + hostPort(req.uri()) + " ("
                    + why.toLowerCase(Locale.ROOT) + ")", e);
        } catch (IOException e) {
            throw new DicomWebConnectionException(what + ": connection failed"
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DicomWebConnectionException(what + ": interrupted", e);
        }
    }

    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String hostPort(URI uri) {
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return uri.getHost() + ":" + port;
    }

    /** The URL without user info, query or fragment: what messages show. */
    static String redact(URI uri) {
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
        } catch (URISyntaxException e) {
            return uri.getScheme() + "://" + uri.getHost();
        }
    }

    private static String describe(HttpResponse<?> r) {
        return r.request().method() + " " + redact(r.request().uri());
    }

    private DicomWebException broken(HttpResponse<?> r, IOException e) {
        if (e instanceof BrokenResponseException t) {
            return t.exception();
        }
        return new DicomWebConnectionException(describe(r) + ": the response broke off"
                + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), e);
    }

    private void expectStatus(HttpResponse<InputStream> r, int... ok) {
        int status = r.statusCode();
        for (int s : ok) {
            if (s == status) {
                return;
            }
        }
        String message = serverMessage(r);
        if (status >= 300 && status < 400) {
            // redirects are not followed (credentials stay with the configured service): say where it points
            message = r.headers().firstValue("Location").map(l -> "redirected to " + ResponseBodies.clean(
                    redact(r.request().uri().resolve(l.strip())))).orElse(message);
        }
        throw DicomWebStatusException.of(r.request().method(), r.request().uri(), status, message);
    }

    /** What the server said about an error (bounded, one line), or empty. */
    private String serverMessage(HttpResponse<InputStream> r) {
        byte[] head;
        try (InputStream in = watched(r.body(), r)) {
            head = in.readNBytes(MESSAGE_BYTES);
        } catch (IOException e) {
            head = new byte[0];
        }
        return ResponseBodies.serverMessage(head, r.headers().firstValue("Warning"),
                r.headers().firstValue("Content-Type").orElse(""));
    }

    /**
     * The body, each read bounded by the read timeout (see {@link IdleTimeoutInputStream}); failures of the network
     * become {@link BrokenResponseException}s.
     */
    private InputStream watched(InputStream body, HttpResponse<?> r) {
        if (body instanceof IdleTimeoutInputStream) {
            return body;
        }
        return new IdleTimeoutInputStream(body, watchdog, readTimeout, describe(r));
    }

    private static String shorten(String s, int max) {
        return s.length() > max ? s.substring(0, max) + "..." : s;
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private byte[] readBounded(HttpResponse<?> r, InputStream in, long max) {
        try {
            byte[] b = watched(in, r).readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (b.length > max) {
                throw new DicomWebProtocolException(describe(r) + ": response larger than " + max + " bytes");
            }
            return b;
        } catch (IOException e) {
            throw broken(r, e);
        }
    }

    private long copyBounded(HttpResponse<?> r, InputStream in, OutputStream out, long max) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        int n;
        while (true) {
            try {
                n = in.read(buf);
            } catch (IOException e) {
                throw broken(r, e);
            }
            if (n < 0) {
                return total;
            }
            total += n;
            if (total > max) {
                throw new DicomWebProtocolException(describe(r) + ": instance larger than " + max + " bytes");
            }
            out.write(buf, 0, n);
        }
    }

    /** Builds a {@link DicomWebClient}. */
    public static final class Builder {
        private final URI root;
        private Optional<URI> wadoUri = Optional.empty();
        private Optional<DicomWebAuth> auth = Optional.empty();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(60);
        private Duration readTimeout = Duration.ofSeconds(60);
        private DicomWebLimits limits = DicomWebLimits.defaults();
        private String transferSyntax = "*";

        private Builder(URI serviceRoot) {
            this.root = checkUrl(serviceRoot, "service root", true);
        }

        private static URI checkUrl(URI uri, String what, boolean directory) {
            Objects.requireNonNull(uri, what);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw new IllegalArgumentException(what + " must be an http or https URL with a host: "
                        + redact(uri));
            }
            if (uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException(what + " must not contain credentials; give them as auth");
            }
            if (directory) {
                if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                    throw new IllegalArgumentException(what + " must have no query or fragment: " + redact(uri));
                }
                String s = uri.toString();
                return s.endsWith("/") ? uri : URI.create(s + "/");
            }
            return uri;
        }

        /** The header that authenticates each request. */
        public Builder auth(DicomWebAuth value) {
            this.auth = Optional.of(Objects.requireNonNull(value, "auth"));
            return this;
        }

        /** The WADO-URI endpoint (e.g. {@code http://host:8042/wado}); it may differ from the service root. */
        public Builder wadoUri(URI endpoint) {
            this.wadoUri = Optional.of(checkUrl(endpoint, "WADO-URI endpoint", false));
            return this;
        }

        /** Longest wait for a connection (default 10 s). */
        public Builder connectTimeout(Duration value) {
            this.connectTimeout = positive(value, "connectTimeout");
            return this;
        }

        /** Longest wait from sending a request to the response's headers (default 60 s). */
        public Builder requestTimeout(Duration value) {
            this.requestTimeout = positive(value, "requestTimeout");
            return this;
        }

        /** Longest wait for the next bytes of a response body (default 60 s). */
        public Builder readTimeout(Duration value) {
            this.readTimeout = positive(value, "readTimeout");
            return this;
        }

        /** Bounds on what is read (default {@link DicomWebLimits#defaults()}). */
        public Builder limits(DicomWebLimits value) {
            this.limits = Objects.requireNonNull(value, "limits");
            return this;
        }

        /**
         * The transfer syntax WADO asks for: {@code *} (default) for instances as stored, or a UID such as
         * {@code 1.2.840.10008.1.2.1} to ask the server to transcode.
         */
        public Builder transferSyntax(String uidOrStar) {
            Objects.requireNonNull(uidOrStar, "transferSyntax");
            this.transferSyntax = uidOrStar.equals("*") ? "*" : WadoTarget.checkUid(uidOrStar, "transfer syntax UID");
            return this;
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive");
            }
            return d;
        }

        /** The client. */
        public DicomWebClient build() {
            return new DicomWebClient(this);
        }
    }
}
