package dev.deliberate.medical.dicom;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A transfer syntax: how a dataset is encoded (PS3.5 section 10).
 *
 * @param uid          the transfer syntax UID
 * @param name         a readable name
 * @param explicitVR   whether each element carries its VR
 * @param bigEndian    whether numbers are big endian (only the retired Explicit VR Big Endian)
 * @param deflated     whether the dataset after the file meta is deflate-compressed
 * @param encapsulated whether pixel data is encapsulated (compressed fragments)
 */
public record TransferSyntax(String uid, String name, boolean explicitVR, boolean bigEndian, boolean deflated,
        boolean encapsulated) {

    /** Implicit VR Little Endian, the default transfer syntax. */
    public static final TransferSyntax IMPLICIT_VR_LITTLE_ENDIAN =
            new TransferSyntax("1.2.840.10008.1.2", "Implicit VR Little Endian", false, false, false, false);
    /** Explicit VR Little Endian. */
    public static final TransferSyntax EXPLICIT_VR_LITTLE_ENDIAN =
            new TransferSyntax("1.2.840.10008.1.2.1", "Explicit VR Little Endian", true, false, false, false);
    /** Deflated Explicit VR Little Endian. */
    public static final TransferSyntax DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = new TransferSyntax(
            "1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", true, false, true, false);
    /** Explicit VR Big Endian (retired). */
    public static final TransferSyntax EXPLICIT_VR_BIG_ENDIAN =
            new TransferSyntax("1.2.840.10008.1.2.2", "Explicit VR Big Endian", true, true, false, false);

    private static final Map<String, TransferSyntax> KNOWN = Stream.of(
            IMPLICIT_VR_LITTLE_ENDIAN, EXPLICIT_VR_LITTLE_ENDIAN, DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
            EXPLICIT_VR_BIG_ENDIAN,
            enc("1.2.840.10008.1.2.1.98", "Encapsulated Uncompressed Explicit VR Little Endian"),
            enc("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)"),
            enc("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)"),
            enc("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)"),
            enc("1.2.840.10008.1.2.4.70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction"),
            enc("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless"),
            enc("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless)"),
            enc("1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)"),
            enc("1.2.840.10008.1.2.4.91", "JPEG 2000 Image Compression"),
            enc("1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Multi-component (Lossless Only)"),
            enc("1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2 Multi-component"),
            new TransferSyntax("1.2.840.10008.1.2.4.94", "JPIP Referenced", true, false, false, false),
            new TransferSyntax("1.2.840.10008.1.2.4.95", "JPIP Referenced Deflate", true, false, true, false),
            enc("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level"),
            enc("1.2.840.10008.1.2.4.101", "MPEG2 Main Profile / High Level"),
            enc("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile / Level 4.1"),
            enc("1.2.840.10008.1.2.4.103", "MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1"),
            enc("1.2.840.10008.1.2.4.104", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video"),
            enc("1.2.840.10008.1.2.4.105", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video"),
            enc("1.2.840.10008.1.2.4.106", "MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2"),
            enc("1.2.840.10008.1.2.4.107", "HEVC/H.265 Main Profile / Level 5.1"),
            enc("1.2.840.10008.1.2.4.108", "HEVC/H.265 Main 10 Profile / Level 5.1"),
            enc("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 (Lossless Only)"),
            enc("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Options (Lossless Only)"),
            enc("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000"),
            enc("1.2.840.10008.1.2.5", "RLE Lossless"))
            .collect(Collectors.toUnmodifiableMap(TransferSyntax::uid, Function.identity()));

    /** Validates. */
    public TransferSyntax {
        Objects.requireNonNull(uid, "uid");
        Objects.requireNonNull(name, "name");
        if (bigEndian && !explicitVR) {
            throw new IllegalArgumentException("big endian implies explicit VR");
        }
    }

    private static TransferSyntax enc(String uid, String name) {
        return new TransferSyntax(uid, name, true, false, false, true);
    }

    /**
     * The transfer syntax of a UID. Unknown UIDs are assumed to be explicit VR little endian with encapsulated pixel
     * data, which is what every transfer syntax defined since 1998 is (PS3.5 A.4).
     */
    public static TransferSyntax of(String uid) {
        String u = uid.strip();
        while (u.endsWith("\0")) {
            u = u.substring(0, u.length() - 1);
        }
        TransferSyntax t = KNOWN.get(u);
        return t != null ? t : new TransferSyntax(u, "Unknown (" + u + ")", true, false, false, true);
    }

    /** Whether the UID is one this class knows by name. */
    public boolean isKnown() {
        return KNOWN.containsKey(uid);
    }
}
