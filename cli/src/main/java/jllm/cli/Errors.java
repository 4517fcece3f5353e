package jllm.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * The one line a user reads when a command fails: every command's exceptions pass through
 * {@link #message}. File errors say what and where ({@code no such file: X}, {@code X is a folder,
 * expected a text file}); the JDK's own messages name only the path, or only the cause.
 */
final class Errors {
    private Errors() {
    }

    /** A one-line description of what went wrong. */
    static String message(Throwable e) {
        if (e instanceof OutOfMemoryError) {
            return "out of memory: the model or context does not fit; try a smaller --ctx or a larger -Xmx (JLLM_JAVA_OPTS)";
        }
        // library code wraps I/O errors ("reading X: X"); the cause says it better
        if (e instanceof UncheckedIOException u && u.getCause() instanceof FileSystemException f) {
            return file(f);
        }
        if (e instanceof FileSystemException f) {
            return file(f);
        }
        String m = e.getMessage();
        if (e instanceof IOException && "Is a directory".equals(m)) {
            return "a folder was given where a file was expected";
        }
        if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
        }
        return m;
    }

    private static String file(FileSystemException e) {
        String f = e.getFile();
        if (e instanceof InputFiles.FolderGiven g) {
            return f + " is a folder, expected " + g.expected();
        }
        if (f == null) {
            return e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
        }
        return switch (e) {
            case NoSuchFileException n -> missing(f);
            case AccessDeniedException a -> "permission denied: " + f;
            case FileAlreadyExistsException a -> f + " already exists";
            case NotDirectoryException n -> f + " is not a folder";
            case DirectoryNotEmptyException d -> f + " is a folder that is not empty";
            default -> "Is a directory".equals(e.getReason()) ? f + " is a folder, expected a file"
                    : f + (e.getOtherFile() != null ? " -> " + e.getOtherFile() : "") + ": "
                    + (e.getReason() != null ? e.getReason() : "cannot access it");
        };
    }

    /** "no such file: X", or "no such folder: D (for D/X)" when the folder to read or write in is missing. */
    private static String missing(String f) {
        Path parent = Path.of(f).getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            return "no such folder: " + parent + " (for " + f + ")";
        }
        return "no such file: " + f;
    }
}
