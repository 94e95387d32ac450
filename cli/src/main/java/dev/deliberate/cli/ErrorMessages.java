package dev.deliberate.cli;

import dev.deliberate.medical.deid.BurnedInAnnotationException;
import dev.deliberate.medical.dicom.MissingFileMetaException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Turns exceptions into the one line a command-line user reads: file problems name the file and say what is wrong
 * in words (like {@code cat} or DCMTK do: "nope.dcm: no such file or directory"), and hints name command-line options,
 * never Java API.
 */
final class ErrorMessages {

    private ErrorMessages() {}

    /**
     * Prints the one line for {@code e} ("deliberate: ..."; a hint to use {@code --debug} for unexpected errors, or
     * the stack trace when {@code debug}) and returns the exit code: 2 for bad arguments, else 1.
     */
    static int report(Exception e, java.io.PrintWriter err, boolean debug) {
        if (e instanceof dev.deliberate.core.DeliberateException || e instanceof java.io.IOException
                || e instanceof java.io.UncheckedIOException || e instanceof IllegalArgumentException) {
            err.println("deliberate: " + describe(e instanceof java.io.UncheckedIOException u ? u.getCause() : e));
        } else {
            err.println("deliberate: unexpected error: " + e);
        }
        if (debug) {
            e.printStackTrace(err);
        } else if (!(e instanceof dev.deliberate.core.DeliberateException) && !(e instanceof java.io.IOException)
                && !(e instanceof java.io.UncheckedIOException)) {
            err.println("(run again with --debug for details)");
        }
        err.flush();
        return e instanceof IllegalArgumentException ? 2 : 1;
    }

    /** The message for {@code e}, without the "deliberate: " prefix. */
    static String describe(Throwable e) {
        if (e instanceof FileSystemException f) {
            return fileSystem(f);
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof MissingFileMetaException) {
            return message + " (use --lenient to read a bare dataset)";
        }
        if (e instanceof dev.deliberate.gguf.lora.LoraMismatchException) {
            return message + " (an adapter only fits the base model it was trained on: check --model and --lora)";
        }
        if (e instanceof BurnedInAnnotationException) {
            return message + " (pass --allow-burned-in to de-identify the attributes anyway)";
        }
        return message;
    }

    private static String fileSystem(FileSystemException f) {
        String file = f.getFile() == null ? "" : f.getFile();
        String reason = f.getReason();
        if (reason == null || reason.isBlank()) {
            reason = f instanceof NoSuchFileException ? "no such file or directory"
                    : f instanceof AccessDeniedException ? "permission denied"
                    : f instanceof FileAlreadyExistsException ? "already exists"
                    : f instanceof NotDirectoryException ? "not a directory"
                    : f instanceof DirectoryNotEmptyException ? "directory not empty"
                    : "cannot be accessed";
        } else {
            reason = Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
        }
        String other = f.getOtherFile();
        return (file.isEmpty() ? "" : file + ": ") + reason + (other == null ? "" : " (" + other + ")");
    }
}
