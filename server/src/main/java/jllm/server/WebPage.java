package jllm.server;

/** The web chat page's security policy: its own scripts and styles only, no remote content, no framing. */
final class WebPage {
    private WebPage() {
    }

    /** Content-Security-Policy of every static file: same-origin scripts, no inline script, no remote loads. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
}
