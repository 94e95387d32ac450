package dev.deliberate.cli.dicom;

import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomReader;
import dev.deliberate.medical.render.DicomRenderer;
import dev.deliberate.medical.render.RenderOptions;
import dev.deliberate.medical.render.Window;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deliberate dicom render IN OUT.png [--frame N] [--window C,W]}: one frame to an 8-bit PNG. */
@Command(name = "render", mixinStandardHelpOptions = true,
        description = "Render one frame of a DICOM image to PNG (Modality LUT, window, MONOCHROME1/2, RGB/YBR).")
public final class RenderCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IN", description = "The DICOM file.")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT.png", description = "The PNG to write (atomically).")
    Path out;

    @Option(names = "--frame", paramLabel = "N", defaultValue = "0",
            description = "Zero-based frame index (default ${DEFAULT-VALUE}).")
    int frame;

    @Option(names = "--window", paramLabel = "C,W",
            description = "Window centre and width in modality units, e.g. 40,400 (default: the file's first window, "
                    + "else the full range).")
    String window;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        RenderOptions o = RenderOptions.defaults().withFrame(frame);
        if (window != null) {
            o = o.withWindow(Window.parse(window));
        }
        DicomFile f = DicomReader.standard().read(in);
        DicomRenderer.standard().writePng(f, o, out);
        spec.commandLine().getOut().println("wrote " + out);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
