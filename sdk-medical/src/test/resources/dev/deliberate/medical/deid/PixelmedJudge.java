// A test peer, run with the java source launcher against Debian's PixelMed jar (never compiled into the SDK):
//   java -cp /usr/share/java/pixelmed.jar PixelmedJudge.java read FILE...
//       one line per file: "OK <SOPInstanceUID> <MediaStorageSOPInstanceUID> <attributes>" or "ERROR <message>"
//       (OK-HEADER: compressed pixel data PixelMed has no codec for here; everything before it was read)
//   java -cp /usr/share/java/pixelmed.jar PixelmedJudge.java deid FILE...
//       PixelMed's own de-identification (ClinicalTrialsAttributes.removeOrNullIdentifyingAttributes, UIDs remapped,
//       no options kept) of each FILE, after a line "# FILE"; one line per top-level attribute of the source: "<gggg,eeee> <FATE>", where FATE is
//       REMOVED, EMPTIED, KEPT (same value) or CHANGED
//   java -cp /usr/share/java/pixelmed.jar PixelmedJudge.java dicomdir DICOMDIR
//       one line per referenced instance: "<SOPInstanceUID> <file>" as PixelMed's DicomDirectory resolves them
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.ClinicalTrialsAttributes;
import com.pixelmed.dicom.DicomDirectory;
import com.pixelmed.dicom.TagFromName;
import java.io.File;
import java.util.Map;
import java.util.TreeMap;

public class PixelmedJudge {
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "read" -> {
                int bad = 0;
                for (int i = 1; i < args.length; i++) {
                    try {
                        AttributeList l = new AttributeList();
                        String status = "OK";
                        try {
                            l.read(args[i]);
                        } catch (com.pixelmed.dicom.DicomException e) {
                            if (!String.valueOf(e.getMessage()).startsWith("No reader for")) {
                                throw e;
                            }
                            // compressed pixel data without the optional codec package: judge everything before it
                            l = new AttributeList();
                            l.read(args[i], TagFromName.PixelData);
                            status = "OK-HEADER";
                        }
                        System.out.println(status + " " + value(l, TagFromName.SOPInstanceUID) + " "
                                + value(l, TagFromName.MediaStorageSOPInstanceUID) + " " + l.size());
                    } catch (Exception e) {
                        bad++;
                        System.out.println("ERROR " + args[i] + ": " + e);
                    }
                }
                System.exit(bad == 0 ? 0 : 1);
            }
            case "deid" -> {
              for (int f = 1; f < args.length; f++) {
                System.out.println("# " + args[f]);
                AttributeList source = new AttributeList();
                source.read(args[f], TagFromName.PixelData);
                AttributeList d = new AttributeList();
                d.read(args[f], TagFromName.PixelData);
                ClinicalTrialsAttributes.removeOrNullIdentifyingAttributes(d, ClinicalTrialsAttributes.HandleUIDs.remap,
                        false, false, false, false, false, false, ClinicalTrialsAttributes.HandleDates.remove, null, null);
                Map<AttributeTag, String> fates = new TreeMap<>();
                for (Object k : source.keySet()) {
                    AttributeTag t = (AttributeTag) k;
                    if (t.getGroup() == 0x0002) {
                        continue;
                    }
                    Attribute a = source.get(t);
                    Attribute b = d.get(t);
                    String fate;
                    if (b == null) {
                        fate = "REMOVED";
                    } else if (b.getVL() == 0 && a.getVL() != 0) {
                        fate = "EMPTIED";
                    } else if (String.valueOf(a.getDelimitedStringValuesOrEmptyString())
                            .equals(String.valueOf(b.getDelimitedStringValuesOrEmptyString()))) {
                        fate = "KEPT";
                    } else {
                        fate = "CHANGED";
                    }
                    fates.put(t, fate);
                }
                for (Map.Entry<AttributeTag, String> e : fates.entrySet()) {
                    System.out.printf("%04X,%04X %s%n", e.getKey().getGroup(), e.getKey().getElement(), e.getValue());
                }
              }
            }
            case "dicomdir" -> {
                AttributeList l = new AttributeList();
                l.read(args[1]);
                DicomDirectory dir = new DicomDirectory(l);
                String parent = new File(args[1]).getAbsoluteFile().getParent();
                for (Map.Entry<String, String> e : new TreeMap<>(dir.getMapOfSOPInstanceUIDToReferencedFileName(parent))
                        .entrySet()) {
                    System.out.println(e.getKey() + " " + e.getValue());
                }
            }
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static String value(AttributeList l, AttributeTag t) {
        Attribute a = l.get(t);
        return a == null ? "-" : a.getSingleStringValueOrEmptyString();
    }
}
