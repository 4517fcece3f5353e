/** Perplexity, the arena (battles, ratings, the SQLite store) and judges and the attack data sets. */
module jllm.eval {
    requires transitive jllm.core;
    requires java.sql;
    requires org.xerial.sqlitejdbc; // the JDBC driver the store opens (found by DriverManager)
    requires com.fasterxml.jackson.databind;

    exports jllm.eval;
    exports jllm.eval.arena;
    exports jllm.eval.attacks;
}
