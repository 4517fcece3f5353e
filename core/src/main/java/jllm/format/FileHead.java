package jllm.format;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The first bytes of a file, shown in hex and as text, for messages about a file of the wrong kind:
 * {@code it starts with 50 4b 03 04 14 00 00 00 "PK......"}. Two common mistakes get a hint: a Git LFS
 * pointer in place of the file, and a web page saved instead of the download.
 *
 * <pre>{@code
 * throw new ModelFormatException(path, "magic", "not a GGUF file (" + FileHead.describe(head) + ", expected \"GGUF\")"
 *         + FileHead.hint(head));
 * }</pre>
 */
public final class FileHead {
    /** How many bytes a description shows. */
    public static final int SHOWN = 8;
    /** How many bytes to read for {@link #describe} and {@link #hint}. */
    public static final int READ = 16;

    private FileHead() {
    }

    /** {@code it starts with 50 4b ... "PK.."}, or {@code it is empty}; shows at most {@link #SHOWN} bytes. */
    public static String describe(byte[] head) {
        if (head.length == 0) {
            return "it is empty";
        }
        int n = Math.min(head.length, SHOWN);
        StringBuilder hex = new StringBuilder();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int b = head[i] & 0xff;
            hex.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "%02x", b));
            text.append(b >= 0x20 && b < 0x7f && b != '"' ? (char) b : '.');
        }
        return "it starts with " + hex + " \"" + text + "\"";
    }

    /** A hint for a file that is plainly something else (": it is a Git LFS pointer; ..."), or "". */
    public static String hint(byte[] head) {
        String start = new String(head, 0, Math.min(head.length, READ), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        if (start.startsWith("version ")) {
            return "; it looks like a Git LFS pointer, not the file: fetch the file itself (git lfs pull)";
        }
        if (start.startsWith("<!doctype") || start.startsWith("<html")) {
            return "; it looks like a web page, not the file: download the file itself (on Hugging Face, the 'resolve' link, not 'blob')";
        }
        return "";
    }
}
