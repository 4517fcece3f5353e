package jllm.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Files named on the command line, checked before use so that a failure names the file and the cause
 * ({@link Errors} words it): a missing file, or a folder where a file belongs, is refused before any
 * work starts. {@code expected} says what kind of file the command wants ("a text file").
 */
final class InputFiles {
    private InputFiles() {
    }

    /** A folder given where a file of kind {@code expected} belongs. */
    static final class FolderGiven extends FileSystemException {
        private static final long serialVersionUID = 1L;

        private final String expected;

        FolderGiven(Path p, String expected) {
            super(p.toString(), null, "is a folder, expected " + expected);
            this.expected = expected;
        }

        String expected() {
            return expected;
        }
    }

    /** Refuses a missing file or a folder. */
    static void check(Path p, String expected) throws IOException {
        if (!Files.exists(p)) {
            throw new NoSuchFileException(p.toString());
        }
        if (Files.isDirectory(p)) {
            throw new FolderGiven(p, expected);
        }
    }

    static void checkAll(List<Path> files, String expected) throws IOException {
        for (Path p : files) {
            check(p, expected);
        }
    }

    static byte[] readAllBytes(Path p, String expected) throws IOException {
        check(p, expected);
        return Files.readAllBytes(p);
    }

    /** The file as UTF-8 text; refuses other bytes with a message that says so. */
    static String readString(Path p, String expected) throws IOException {
        check(p, expected);
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(p + " is not UTF-8 text, expected " + expected);
        }
    }
}
