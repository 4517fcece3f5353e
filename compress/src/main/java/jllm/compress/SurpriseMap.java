package jllm.compress;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * A picture of how surprised the model was: the original text as an HTML page, each token's
 * background coloured by the bits it cost (green = expected, red = surprising), the exact number in
 * its tooltip. Raw bytes (coded without the model) show as grey hex.
 */
public final class SurpriseMap {
    private static final int CLASSES = 10; // 0-1, 1-2, ..., 9+ bits

    private SurpriseMap() {
    }

    /** The HTML page for {@code pieces} (from {@link Jz.ZipResult#pieces()}). */
    public static String html(String title, List<Jz.Surprise> pieces, double bitsPerByte) {
        StringBuilder b = new StringBuilder(64 * pieces.size() + 2048);
        b.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(escape(title)).append("</title>\n<style>\n")
                .append("body{font:14px/1.5 monospace;max-width:60em;margin:2em auto;white-space:pre-wrap}\n")
                .append(".r{background:#ddd;color:#555}\n");
        for (int c = 0; c < CLASSES; c++) {
            // hue 120 (green) for 0 bits down to 0 (red) for 9+ bits
            b.append(".b").append(c).append("{background:hsl(").append(120 - c * 120 / (CLASSES - 1)).append(",80%,80%)}\n");
        }
        b.append("</style></head><body>\n<p style=\"white-space:normal\"><b>").append(escape(title)).append("</b>: ")
                .append(String.format(Locale.ROOT, "%.3f", bitsPerByte))
                .append(" bits per byte. Colour = bits the model spent on each token: ");
        for (int c = 0; c < CLASSES; c++) {
            b.append("<span class=b").append(c).append(">").append(c).append(c == CLASSES - 1 ? "+" : "").append("</span> ");
        }
        b.append("<span class=r>raw byte</span></p>\n<div>");
        for (Jz.Surprise p : pieces) {
            String bits = String.format(Locale.ROOT, "%.2f", p.bits());
            if (p.raw()) {
                b.append("<span class=r title=\"").append(bits).append(" bits\">")
                        .append(String.format("%02x", p.bytes()[0] & 0xFF)).append("</span>");
            } else {
                int c = (int) Math.min(CLASSES - 1, Math.max(0, p.bits()));
                b.append("<span class=b").append(c).append(" title=\"").append(bits).append(" bits\">")
                        .append(escape(new String(p.bytes(), StandardCharsets.UTF_8))).append("</span>");
            }
        }
        return b.append("</div></body></html>\n").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
