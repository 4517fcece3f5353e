package jllm.format;

import java.nio.file.Path;

/**
 * A model file (or folder) that cannot be read: truncated, malformed, hostile or of an unsupported
 * kind. The message names the file, the field and the problem, in words a user can act on.
 */
public class ModelFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final String field;

    public ModelFormatException(Path file, String field, String problem) {
        this(file == null ? "<memory>" : file.toString(), field, problem, null);
    }

    public ModelFormatException(String file, String field, String problem, Throwable cause) {
        super(file + ": " + (field == null || field.isEmpty() ? "" : field + ": ") + problem, cause);
        this.file = file;
        this.field = field;
    }

    /** The file or folder that failed to read. */
    public String file() {
        return file;
    }

    /** The field (key, tensor name, header entry) at fault, or null when the problem is the whole file. */
    public String field() {
        return field;
    }
}
