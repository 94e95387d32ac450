package dev.deliberate.cli.dicom;

import dev.deliberate.medical.deid.DeidentificationOption;
import dev.deliberate.medical.net.AeTitle;
import dev.deliberate.medical.net.AssociationOptions;
import dev.deliberate.medical.net.CompletedStudy;
import dev.deliberate.medical.net.Durability;
import dev.deliberate.medical.net.StorageListener;
import dev.deliberate.medical.net.StorageScp;
import dev.deliberate.medical.net.StorageScpOptions;
import dev.deliberate.medical.net.StoredInstance;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code deliberate dicom listen}: a storage SCP writing what it receives to a folder. */
@Command(name = "listen", mixinStandardHelpOptions = true,
        description = "Receive DICOM instances (C-STORE, C-ECHO) into DIR/STUDY_UID/SOP_INSTANCE_UID.dcm (with --deid:"
                + " de-identified, named by the new UIDs); each is fsynced and renamed into place before it is"
                + " acknowledged.")
public final class ListenCommand implements Callable<Integer> {
    @Option(names = "--aet", paramLabel = "AE", required = true, description = "This SCP's AE title.")
    String aet;

    @Option(names = "--port", paramLabel = "P", required = true, description = "The port to listen on (0: any).")
    int port;

    @Option(names = "--dir", paramLabel = "DIR", required = true, description = "Where to store instances.")
    Path dir;

    @Option(names = "--bind", paramLabel = "ADDRESS",
            description = "The address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String bind = "127.0.0.1";

    @Option(names = "--max-associations", description = "Associations served at once (default: ${DEFAULT-VALUE}).")
    int maxAssociations = 16;

    @Option(names = "--max-ops", paramLabel = "N", description = "C-STORE requests a sender may have outstanding at"
            + " once when it asks (the asynchronous operations window), 1 to " + AssociationOptions.MAX_OPERATIONS
            + "; each is still stored before it is answered (default: ${DEFAULT-VALUE}).")
    int maxOperations = AssociationOptions.defaults().maxOperations();

    @Option(names = "--allow-calling", paramLabel = "AE",
            description = "Accept only these calling AE titles (repeatable; default: any).")
    List<String> allowCalling = new ArrayList<>();

    @Option(names = "--any-called", description = "Accept any called AE title, not only --aet.")
    boolean anyCalled;

    @Option(names = "--study-complete-after", paramLabel = "SECONDS",
            description = "A study is complete after this many seconds without a new instance (default:"
                    + " ${DEFAULT-VALUE}).")
    double studyQuietSeconds = 10;

    @Option(names = "--durability", description = "FSYNC: each instance is fsynced before it is acknowledged"
            + " (survives power loss); ATOMIC_RENAME: renamed into place without fsync (survives a crash of the"
            + " process). Default: ${DEFAULT-VALUE}.")
    Durability durability = Durability.FSYNC;

    @Option(names = "--studies", paramLabel = "N",
            description = "Stop after N completed studies (default: run until interrupted).")
    int studies;

    @Option(names = "--deid", description = "De-identify every instance on receipt (PS3.15 Basic Profile, as "
            + "'dicom deid') before anything is kept: stored as DIR/<study>/<series>/<instance>, names from the new "
            + "UIDs, a report per study in DIR/" + StorageScp.DEID_REPORTS + "/. Refused instances get a failure status.")
    boolean deid;

    @Option(names = "--key-file", paramLabel = "F", description = "With --deid: the site key file (created 0600 on "
            + "first use), so a study arriving over several associations or runs keeps one set of UIDs.")
    Path keyFile;

    @Option(names = "--deid-option", paramLabel = "NAME", description = "With --deid: a profile option, repeatable: "
            + "${COMPLETION-CANDIDATES}.")
    List<DeidentificationOption> deidOptions = new ArrayList<>();

    @Option(names = "--allow-burned-in", description = "With --deid: store instances whose Burned In Annotation is "
            + "YES (pixels NOT cleaned) instead of refusing them.")
    boolean allowBurnedIn;

    @CommandLine.Mixin
    TlsOptions tls = new TlsOptions();

    @Option(names = "--require-client-cert", description = "With --tls: callers must present a certificate the "
            + "trust store (or --trust-cert) trusts.")
    boolean requireClientCert;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (studyQuietSeconds <= 0) {
            throw new IllegalArgumentException("--study-complete-after must be positive");
        }
        PrintWriter out = spec.commandLine().getOut();
        // a --key-file from the configuration file is only a default: it must not make a plain listen an error
        boolean keyFileGiven = spec.commandLine().getParseResult() != null
                && spec.commandLine().getParseResult().hasMatchedOption("--key-file");
        if (!deid && (keyFileGiven || !deidOptions.isEmpty() || allowBurnedIn)) {
            throw new IllegalArgumentException("--key-file, --deid-option and --allow-burned-in need --deid");
        }
        if (tls.tls && tls.keyStore == null) {
            throw new IllegalArgumentException("--tls needs --key-store to listen (this node's key and certificate)");
        }
        if (requireClientCert && !tls.tls) {
            throw new IllegalArgumentException("--require-client-cert needs --tls");
        }
        if (maxOperations < 1 || maxOperations > AssociationOptions.MAX_OPERATIONS) {
            throw new IllegalArgumentException("--max-ops must be between 1 and " + AssociationOptions.MAX_OPERATIONS
                    + ", got " + maxOperations);
        }
        Set<AeTitle> allowed = allowCalling.stream().map(AeTitle::of).collect(Collectors.toSet());
        StorageScpOptions o = StorageScpOptions.defaults(AeTitle.of(aet), dir).withAddress(bind, port)
                .withMaxAssociations(maxAssociations).withAeTitlePolicy(allowed, !anyCalled)
                .withStudyCompleteAfter(Duration.ofMillis((long) (studyQuietSeconds * 1000))).withDurability(durability);
        o = o.withAssociation(o.association().withMaxOperations(maxOperations));
        if (deid) {
            PrintWriter err = spec.commandLine().getErr();
            o = o.withDeidentification(DeidCommand.policy(DeidCommand.secret(keyFile, null, err), deidOptions,
                    allowBurnedIn));
            err.flush();
        }
        if (tls.tls) {
            o = o.withTls(tls.context().orElseThrow(), requireClientCert);
        }
        CountDownLatch done = new CountDownLatch(studies > 0 ? studies : 1);
        StorageListener listener = new StorageListener() {
            @Override
            public void instanceStored(StoredInstance i) {
                synchronized (out) {
                    out.printf("stored %s from %s (%d bytes, %s)%n", i.file(), i.callingAeTitle(), i.bytes(),
                            i.transferSyntaxUid());
                    out.flush();
                }
            }

            @Override
            public void studyCompleted(CompletedStudy s) {
                synchronized (out) {
                    out.printf("study complete %s: %d instances%n", s.studyInstanceUid(), s.instances().size());
                    out.flush();
                }
                if (studies > 0) {
                    done.countDown();
                }
            }
        };
        StorageScp scp = StorageScp.start(o, listener);
        Thread hook = new Thread(scp::close, "dicom-listen-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            synchronized (out) {
                out.printf("listening as %s on %s:%d%s, storing into %s%s%n", aet, bind, scp.port(),
                        tls.tls ? " (TLS)" : "", dir.toAbsolutePath(), deid ? " (de-identified on receipt)" : "");
                out.flush();
            }
            done.await(); // with --studies 0 only a signal (the shutdown hook) ends the process
        } finally {
            scp.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running already
            }
        }
        synchronized (out) {
            out.printf("stopped after %d instances%n", scp.stats().instancesStored());
            out.flush();
        }
        return 0;
    }
}
