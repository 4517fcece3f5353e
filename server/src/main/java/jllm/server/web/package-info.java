/**
 * The web pages (chat, arena, leaderboard): HTML, CSS and JavaScript resources in this package, served
 * as static files by {@link jllm.server.OpenAiServer}. No classes; the package exists so that the module
 * can open it to Javalin.
 */
package jllm.server.web;
