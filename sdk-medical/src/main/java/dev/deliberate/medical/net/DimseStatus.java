package dev.deliberate.medical.net;

import java.util.Optional;

/**
 * A DIMSE status (PS3.7 Annex C) with the error comment the peer sent, if any.
 *
 * @param code         the status code (0000,0900)
 * @param errorComment the Error Comment (0000,0902), when sent
 */
public record DimseStatus(int code, Optional<String> errorComment) {

    /** Success. */
    public static final DimseStatus SUCCESS = new DimseStatus(0, Optional.empty());

    /** What a status code means for the caller. */
    public enum Category {
        /** The operation completed. */
        SUCCESS,
        /** It completed with a warning (e.g. coercion of values, 0xB000). */
        WARNING,
        /** It failed. */
        FAILURE,
        /** More responses follow (C-FIND matches, C-MOVE progress). */
        PENDING,
        /** It was cancelled. */
        CANCEL
    }

    /** Validates. */
    public DimseStatus {
        if (code < 0 || code > 0xFFFF) {
            throw new IllegalArgumentException("status code must be 0..0xFFFF");
        }
        errorComment = errorComment == null ? Optional.empty() : errorComment;
    }

    /** A status without comment. */
    public static DimseStatus of(int code) {
        return new DimseStatus(code, Optional.empty());
    }

    /** A status with a comment (at most 64 characters are sent). */
    public static DimseStatus of(int code, String comment) {
        return new DimseStatus(code, Optional.of(comment));
    }

    /** The category of the code. */
    public Category category() {
        if (code == 0) {
            return Category.SUCCESS;
        }
        if (code == 0xFF00 || code == 0xFF01) {
            return Category.PENDING;
        }
        if (code == 0xFE00) {
            return Category.CANCEL;
        }
        if (code == 0x0001 || code == 0x0107 || code == 0x0116 || (code & 0xF000) == 0xB000) {
            return Category.WARNING;
        }
        return Category.FAILURE;
    }

    /** Success or warning: the operation was done. */
    public boolean ok() {
        Category c = category();
        return c == Category.SUCCESS || c == Category.WARNING;
    }

    @Override
    public String toString() {
        return String.format("%04X %s", code, category()) + errorComment.map(c -> " (" + c + ")").orElse("");
    }
}
