package jllm.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** UTF-8 standard output, whatever the platform's default encoding (model text is UTF-8). */
final class Console {
    private static PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);

    private Console() {
    }

    static PrintStream out() {
        return out;
    }

    /** Redirects output (tests). */
    static void setOut(PrintStream p) {
        out = p;
    }
}
