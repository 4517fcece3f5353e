/** The OpenAI-compatible HTTP server (Javalin), the arena's routes and the web pages. */
module jllm.server {
    requires transitive jllm.core;
    requires transitive jllm.chat;
    requires transitive jllm.eval;
    requires io.javalin;
    requires org.eclipse.jetty.server;
    requires com.fasterxml.jackson.databind;
    requires java.net.http;

    exports jllm.server;

    // the web pages are class-path resources under jllm/server/web, served by Javalin (Jetty) from another module
    opens jllm.server.web;
}
