package dev.deliberate.cli.dicom;

import dev.deliberate.medical.dicom.DataDictionary;
import dev.deliberate.medical.dicom.DicomElement;
import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomJson;
import dev.deliberate.medical.dicom.DicomJsonOptions;
import dev.deliberate.medical.dicom.DicomObject;
import dev.deliberate.medical.dicom.DicomReadOptions;
import dev.deliberate.medical.dicom.DicomReader;
import dev.deliberate.medical.dicom.EncapsulatedPixelData;
import dev.deliberate.medical.dicom.Tag;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import dev.deliberate.cli.core.TerminalText;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deliberate dicom dump [--json] FILE}: prints a file's elements, like dcmdump, or as DICOM JSON. */
@Command(name = "dump", mixinStandardHelpOptions = true,
        description = "Print the elements of a DICOM file (dcmdump-like), or its DICOM JSON (PS3.18 Annex F).")
public final class DumpCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The DICOM file.")
    Path file;

    @Option(names = "--json", description = "Print the dataset as DICOM JSON; bulk data as BulkDataURI.")
    boolean json;

    @Option(names = "--lenient", description = "Accept files without preamble/file meta and truncated files.")
    boolean lenient;

    @Option(names = "--max-width", defaultValue = "66",
            description = "Longest value shown, at least 8 (default ${DEFAULT-VALUE}).")
    int maxWidth;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Reads and prints; a malformed file is reported with its offset and tag (exit code 1). */
    @Override
    public Integer call() throws Exception {
        if (maxWidth < 8) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--max-width must be at least 8, got " + maxWidth);
        }
        DicomReadOptions o = DicomReadOptions.defaults();
        if (lenient) {
            o = o.withAllowMissingFileMeta(true).withAllowTruncated(true);
        }
        DicomFile f = new DicomReader(o).read(file);
        // buffered, flushed once: the command line's writer flushes on every line, which made a dump of a sequence
        // with a million items take seconds of system calls
        PrintWriter out = new PrintWriter(new java.io.BufferedWriter(spec.commandLine().getOut(), 1 << 16), false);
        if (json) {
            out.println(DicomJson.toJson(f.dataset(), DicomJsonOptions.withBulkDataUri(1024,
                    (e, path) -> file.toUri() + "?tag=" + path)));
        } else {
            out.println("# Dicom-File-Format");
            out.println();
            out.println("# Dicom-Meta-Information-Header");
            dump(out, f.fileMeta(), "");
            out.println();
            out.println("# Dicom-Data-Set");
            out.println("# Used TransferSyntax: " + f.transferSyntax().name());
            dump(out, f.dataset(), "");
        }
        out.flush();
        return 0;
    }

    private void dump(PrintWriter out, DicomObject ds, String indent) {
        for (DicomElement e : ds) {
            String name = DataDictionary.standard().keyword(e.tag()).orElse(Tag.isPrivate(e.tag())
                    ? "PrivateTag" : "UnknownTag");
            String value;
            if (e.sequence().isPresent()) {
                value = "(Sequence with " + e.sequence().get().size() + " items)";
            } else if (e.encapsulated().isPresent()) {
                EncapsulatedPixelData px = e.encapsulated().get();
                value = "(PixelSequence with " + px.fragments().size() + " fragments, offset table "
                        + px.basicOffsetTable().size() + ")";
            } else if (e.bulkData().isPresent()) {
                value = "(bulk data, " + e.bulkData().get().length() + " bytes at offset "
                        + e.bulkData().get().offset() + ")";
            } else if (e.vr().isText() || e.vr().isBinaryNumber()) {
                // values come from the file: control sequences would rewrite the screen or fake dump lines
                value = e.isEmpty() ? "(no value)"
                        : "[" + TerminalText.oneLine(String.join("\\", e.strings())) + "]";
            } else {
                byte[] b = e.bytes().orElse(new byte[0]);
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < Math.min(b.length, 24); i++) {
                    sb.append(i == 0 ? "" : "\\").append(String.format("%02x", b[i]));
                }
                value = b.length == 0 ? "(no value)" : sb + (b.length > 24 ? "..." : "");
            }
            if (value.length() > maxWidth) {
                value = value.substring(0, Math.max(0, maxWidth - 3)) + "...";
            }
            String head = indent + Tag.toString(e.tag()).toLowerCase(java.util.Locale.ROOT) + " " + e.vr() + " "
                    + value;
            out.printf("%-56s # %5s, %d %s%n", head, e.length() < 0 ? "u/l" : Long.toString(e.length()),
                    e.valueCount(), name);
            if (e.sequence().isPresent()) {
                int i = 0;
                for (DicomObject item : e.sequence().get()) {
                    out.println(indent + "  (fffe,e000) item " + (++i));
                    dump(out, item, indent + "    ");
                }
            }
        }
    }
}
