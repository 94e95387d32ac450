package dev.deliberate.medical.dicom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Compares two datasets element by element, reporting differences by path (test helper). */
final class DatasetCompare {
    private DatasetCompare() {}

    /**
     * Differences between a and b, ignoring group lengths (dropped by the writer) and the even-length padding the
     * writer adds to odd-length binary values.
     */
    static List<String> differences(DicomObject a, DicomObject b) {
        List<String> out = new ArrayList<>();
        compare("", a, b, out);
        return out;
    }

    private static List<DicomElement> relevant(DicomObject o) {
        List<DicomElement> l = new ArrayList<>();
        for (DicomElement e : o) {
            if ((e.tag() & 0xFFFF) != 0 && (e.tag() >>> 16) != 0x0002) {
                l.add(e);
            }
        }
        return l;
    }

    private static void compare(String path, DicomObject a, DicomObject b, List<String> out) {
        List<DicomElement> la = relevant(a);
        List<DicomElement> lb = relevant(b);
        int i = 0;
        int j = 0;
        while (i < la.size() || j < lb.size()) {
            DicomElement x = i < la.size() ? la.get(i) : null;
            DicomElement y = j < lb.size() ? lb.get(j) : null;
            if (y == null || (x != null && Integer.compareUnsigned(x.tag(), y.tag()) < 0)) {
                out.add(path + Tag.toString(x.tag()) + " missing in second");
                i++;
                continue;
            }
            if (x == null || Integer.compareUnsigned(y.tag(), x.tag()) < 0) {
                out.add(path + Tag.toString(y.tag()) + " missing in first");
                j++;
                continue;
            }
            String p = path + Tag.toString(x.tag());
            element(p, x, y, out);
            i++;
            j++;
        }
    }

    private static void element(String p, DicomElement x, DicomElement y, List<String> out) {
        if (x.sequence().isPresent() || y.sequence().isPresent()) {
            if (x.sequence().isEmpty() || y.sequence().isEmpty()) {
                out.add(p + " sequence vs non-sequence");
                return;
            }
            Sequence sa = x.sequence().get();
            Sequence sb = y.sequence().get();
            if (sa.size() != sb.size()) {
                out.add(p + " item count " + sa.size() + " vs " + sb.size());
                return;
            }
            for (int k = 0; k < sa.size(); k++) {
                compare(p + "[" + k + "]/", sa.get(k), sb.get(k), out);
            }
            return;
        }
        if (x.vr() != y.vr() && x.vr() != VR.UN && y.vr() != VR.UN) {
            out.add(p + " VR " + x.vr() + " vs " + y.vr());
            return;
        }
        if (x.vr().isText() && y.vr().isText()) {
            if (!x.strings().equals(y.strings())) {
                out.add(p + " " + x.strings() + " vs " + y.strings());
            }
            return;
        }
        if (x.encapsulated().isPresent() || y.encapsulated().isPresent()) {
            if (x.encapsulated().isEmpty() || y.encapsulated().isEmpty()) {
                out.add(p + " encapsulated vs native");
                return;
            }
            var ea = x.encapsulated().get();
            var eb = y.encapsulated().get();
            if (!ea.basicOffsetTable().equals(eb.basicOffsetTable()) || ea.fragments().size() != eb.fragments().size()) {
                out.add(p + " fragments differ");
                return;
            }
            for (int k = 0; k < ea.fragments().size(); k++) {
                if (!sameIgnoringPad(read(ea.fragments().get(k)), read(eb.fragments().get(k)))) {
                    out.add(p + " fragment " + k + " differs");
                }
            }
            return;
        }
        if (!sameIgnoringPad(valueBytes(x), valueBytes(y))) {
            out.add(p + " value bytes differ (" + valueBytes(x).length + " vs " + valueBytes(y).length + ")");
        }
    }

    static byte[] valueBytes(DicomElement e) {
        return e.bulkData().map(DatasetCompare::read).orElseGet(() -> e.bytes().orElse(new byte[0]));
    }

    private static byte[] read(BulkData b) {
        try {
            return b.read();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static boolean sameIgnoringPad(byte[] a, byte[] b) {
        if (Arrays.equals(a, b)) {
            return true;
        }
        if (Math.abs(a.length - b.length) == 1) {
            byte[] s = a.length < b.length ? a : b;
            byte[] l = a.length < b.length ? b : a;
            return Arrays.equals(s, 0, s.length, l, 0, s.length) && (l[l.length - 1] == 0 || l[l.length - 1] == ' ');
        }
        return false;
    }
}
