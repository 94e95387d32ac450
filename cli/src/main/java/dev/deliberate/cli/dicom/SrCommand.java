package dev.deliberate.cli.dicom;

import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomReadOptions;
import dev.deliberate.medical.dicom.DicomReader;
import dev.deliberate.medical.sr.DiagnosticReport;
import dev.deliberate.medical.sr.ObserverDevice;
import dev.deliberate.medical.sr.StructuredReportWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code deliberate dicom sr --ref FILE --finding TEXT... --impression TEXT... --out FILE}: writes a Comprehensive SR
 * (TID 2000 Basic Diagnostic Imaging Report) about the referenced instances.
 */
@Command(name = "sr", mixinStandardHelpOptions = true,
        description = "Write a Comprehensive SR diagnostic imaging report (TID 2000) about referenced DICOM files.")
public final class SrCommand implements Callable<Integer> {

    @Option(names = "--ref", paramLabel = "FILE", required = true,
            description = "A source instance the report is about (repeatable; all of one study). Patient and study "
                    + "attributes are copied from the first: pass de-identified files for a de-identified report.")
    List<Path> refs = new ArrayList<>();

    @Option(names = "--finding", paramLabel = "TEXT", description = "A finding (repeatable).")
    List<String> findings = new ArrayList<>();

    @Option(names = "--impression", paramLabel = "TEXT", description = "An impression (repeatable).")
    List<String> impressions = new ArrayList<>();

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "The SR file to write (atomically).")
    Path out;

    @Option(names = "--device-name", defaultValue = "Deliberate", description = "Device Observer Name "
            + "(default ${DEFAULT-VALUE}).")
    String deviceName;

    @Option(names = "--device-uid", description = "Device Observer UID (default: a UID derived from the name).")
    String deviceUid;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DicomReader reader = new DicomReader(DicomReadOptions.defaults().withStopBeforePixels(true));
        List<DicomObject> sources = new ArrayList<>();
        for (Path p : refs) {
            sources.add(reader.read(p).dataset());
        }
        String uid = deviceUid != null ? deviceUid : "2.25." + new BigInteger(1, uuidBytes(
                UUID.nameUUIDFromBytes(("deliberate-device:" + deviceName).getBytes(StandardCharsets.UTF_8))));
        DiagnosticReport report = DiagnosticReport.of(findings, impressions, ObserverDevice.of(uid, deviceName)
                .withManufacturer("Deliberate"));
        new StructuredReportWriter().write(report, sources, out);
        spec.commandLine().getOut().println("wrote " + out);
        spec.commandLine().getOut().flush();
        return 0;
    }

    private static byte[] uuidBytes(UUID u) {
        return java.nio.ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits()).array();
    }
}
