/** Perplexity, the arena (battles, ratings, the SQLite store) and judges, the attack data sets and the red-team harness. */
module jllm.eval {
    requires transitive jllm.core;
    requires jllm.chat; // the red-team harness's in-process target renders chat templates
    requires java.sql;
    requires java.net.http; // the red-team harness's OpenAI-compatible target
    requires org.xerial.sqlitejdbc; // the JDBC driver the store opens (found by DriverManager)
    requires com.fasterxml.jackson.databind;

    exports jllm.eval;
    exports jllm.eval.arena;
    exports jllm.eval.attacks;
    exports jllm.eval.redteam;
}
