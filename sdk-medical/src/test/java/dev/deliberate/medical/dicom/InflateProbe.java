package dev.deliberate.medical.dicom;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link InflateBoundsTest} (with a small heap): reads a file and prints
 * {@code OK <elements> <largest bulk length> <largest in memory>} or {@code REJECTED <message>} (exit code 2).
 */
public final class InflateProbe {
    private InflateProbe() {}

    public static void main(String[] args) throws Exception {
        DicomReadOptions o = DicomReadOptions.defaults().withMaxInflatedLength(Long.parseLong(args[1]));
        try {
            DicomFile f = new DicomReader(o).read(Path.of(args[0]));
            long largest = 0;
            boolean inMemory = false;
            for (DicomElement e : f.dataset()) {
                if (e.bulkData().isPresent() && e.bulkData().get().length() > largest) {
                    largest = e.bulkData().get().length();
                    inMemory = e.bulkData().get().inMemory();
                }
            }
            // the value is readable after the parse: the inflated copy stays as long as the value does
            long zeros = 0;
            for (DicomElement e : f.dataset()) {
                if (e.bulkData().isPresent()) {
                    try (java.io.InputStream in = e.bulkData().get().open()) {
                        byte[] b = new byte[1 << 16];
                        int n;
                        while ((n = in.read(b)) > 0) {
                            for (int i = 0; i < n; i++) {
                                zeros += b[i] == 0 ? 1 : 0;
                            }
                        }
                    }
                }
            }
            System.out.println("OK " + f.dataset().size() + " " + largest + " " + inMemory + " " + zeros);
        } catch (DicomParseException e) {
            System.out.println("REJECTED " + e.getMessage());
            System.exit(2);
        }
    }
}
