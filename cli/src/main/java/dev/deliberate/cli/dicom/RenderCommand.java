package dev.deliberate.cli.dicom;

import dev.deliberate.cli.core.CommandFailedException;
import dev.deliberate.medical.dicom.DicomFile;
import dev.deliberate.medical.dicom.DicomReader;
import dev.deliberate.medical.render.DicomRenderer;
import dev.deliberate.medical.render.RenderException;
import dev.deliberate.medical.render.RenderOptions;
import dev.deliberate.medical.render.Window;
import java.nio.file.Path;
import java.util.Locale;
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
        String name = out.getFileName() == null ? "" : out.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".png")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "OUT must be a .png file (render writes "
                    + "PNG), got " + out);
        }
        if (frame < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--frame must be >= 0, got " + frame);
        }
        RenderOptions o = RenderOptions.defaults().withFrame(frame);
        if (window != null) {
            o = o.withWindow(Window.parse(window));
        }
        DicomFile f = DicomReader.standard().read(in);
        try {
            DicomRenderer.standard().writePng(f, o, out);
        } catch (RenderException e) {
            // the renderer works on a dataset and cannot know where it came from: name the input here
            throw new CommandFailedException(in + ": " + e.getMessage(), e);
        }
        spec.commandLine().getOut().println("wrote " + out);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
