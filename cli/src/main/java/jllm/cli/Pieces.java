package jllm.cli;

/** Shows token pieces on one line: control characters escaped. */
final class Pieces {
    private Pieces() {
    }

    static String visible(String piece) {
        StringBuilder sb = new StringBuilder(piece.length());
        for (int i = 0; i < piece.length(); i++) {
            char ch = piece.charAt(i);
            switch (ch) {
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\x%02x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.toString();
    }
}
