package jllm.eval.arena;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Battles and votes in an SQLite file (WAL journal, {@code synchronous=FULL}): every write is committed
 * and synced before its method returns, so a vote the caller acknowledges survives a SIGKILL that comes
 * right after. One battle takes at most one vote (the vote's key is the battle's id), and none while an
 * answer is missing or was cut short. The schema is
 * versioned in {@code PRAGMA user_version} and migrated forward on open; a file from a newer jllm is
 * refused. One connection, used by one thread at a time.
 *
 * <pre>{@code
 * try (ArenaStore store = ArenaStore.open(Path.of("arena.db"))) {
 *     long id = store.createBattle("Who are you?", "a", "b", "{}", 7);
 *     store.setAnswer(id, ArenaStore.Side.A, "...");
 *     store.setAnswer(id, ArenaStore.Side.B, "...");
 *     store.vote(id, Outcome.MODEL_A, "human");
 * }
 * }</pre>
 */
public final class ArenaStore implements AutoCloseable {
    /** Which answer of a battle. */
    public enum Side {
        A, B
    }

    /** The schema, one list of statements per version; version k is reached by running entry k-1. */
    private static final List<List<String>> MIGRATIONS = List.of(
            List.of("""
                    CREATE TABLE battles (
                      id         INTEGER PRIMARY KEY,
                      created_ms INTEGER NOT NULL,
                      prompt     TEXT NOT NULL,
                      model_a    TEXT NOT NULL,
                      model_b    TEXT NOT NULL,
                      answer_a   TEXT,
                      answer_b   TEXT,
                      sampler    TEXT NOT NULL,
                      seed       INTEGER NOT NULL,
                      CHECK (model_a <> model_b)
                    )""", """
                    CREATE TABLE votes (
                      battle_id  INTEGER PRIMARY KEY REFERENCES battles(id),
                      winner     TEXT NOT NULL CHECK (winner IN ('model_a', 'model_b', 'tie', 'tie (bothbad)')),
                      judge      TEXT NOT NULL,
                      created_ms INTEGER NOT NULL
                    )""",
                    "CREATE INDEX battles_pair ON battles(model_a, model_b)"),
            // 2: an answer cut short (the page went away while it was written) is kept but marked, and takes no
            // vote; answers stored before version 2 are taken as complete, as that version treated them
            List.of("ALTER TABLE battles ADD COLUMN incomplete_a INTEGER NOT NULL DEFAULT 0 CHECK (incomplete_a IN (0, 1))",
                    "ALTER TABLE battles ADD COLUMN incomplete_b INTEGER NOT NULL DEFAULT 0 CHECK (incomplete_b IN (0, 1))"));

    /** The schema version this code writes. */
    public static final int SCHEMA_VERSION = MIGRATIONS.size();

    private final Connection db;

    private ArenaStore(Connection db) {
        this.db = db;
    }

    /** Opens (creating if needed) the database at {@code path} and brings its schema up to date. */
    public static ArenaStore open(Path path) {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("the arena database's folder does not exist: " + parent);
        }
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + path.toAbsolutePath());
            try {
                ArenaStore s = new ArenaStore(c);
                s.configure();
                s.migrate(path);
                return s;
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the arena database " + path + ": " + e.getMessage(), e);
        }
    }

    private void configure() throws SQLException {
        try (Statement st = db.createStatement()) {
            st.execute("PRAGMA busy_timeout = 10000");
            try (ResultSet rs = st.executeQuery("PRAGMA journal_mode = WAL")) {
                if (!rs.next() || !rs.getString(1).equalsIgnoreCase("wal")) {
                    throw new SQLException("the database refused WAL mode");
                }
            }
            // FULL: a commit syncs the WAL before returning, so an acknowledged vote survives a kill or a crash
            st.execute("PRAGMA synchronous = FULL");
            st.execute("PRAGMA foreign_keys = ON");
        }
    }

    private void migrate(Path path) throws SQLException {
        int version = schemaVersion();
        if (version > SCHEMA_VERSION) {
            throw new IllegalStateException(path + " has arena schema version " + version + "; this jllm knows up to "
                    + SCHEMA_VERSION + " (use a newer jllm)");
        }
        for (int v = version; v < SCHEMA_VERSION; v++) {
            db.setAutoCommit(false);
            try (Statement st = db.createStatement()) {
                for (String sql : MIGRATIONS.get(v)) {
                    st.execute(sql);
                }
                st.execute("PRAGMA user_version = " + (v + 1));
                db.commit();
            } catch (SQLException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        }
    }

    /** The schema version of the open file. */
    public synchronized int schemaVersion() {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("PRAGMA user_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        } catch (SQLException e) {
            throw failed("read the schema version", e);
        }
    }

    /** The SQLite setting named by {@code pragma} (e.g. {@code journal_mode}), for checks. */
    public synchronized String pragma(String pragma) {
        if (!pragma.matches("[a-z_]+")) {
            throw new IllegalArgumentException("not a pragma name: " + pragma);
        }
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("PRAGMA " + pragma)) {
            return rs.next() ? rs.getString(1) : "";
        } catch (SQLException e) {
            throw failed("read PRAGMA " + pragma, e);
        }
    }

    /** Stores a new battle whose answers are still to come; returns its id. */
    public synchronized long createBattle(String prompt, String modelA, String modelB, String sampler, long seed) {
        try {
            return insertBattle(Instant.now(), prompt, modelA, modelB, null, null, sampler, seed);
        } catch (SQLException e) {
            throw failed("store a battle", e);
        }
    }

    /** Stores one side's finished answer. */
    public synchronized void setAnswer(long battle, Side side, String text) {
        setAnswer(battle, side, text, true);
    }

    /**
     * Stores one side's answer; {@code complete} false for one cut short (the client went away, the
     * generation failed): it is kept for the record, and the battle takes no vote.
     */
    public synchronized void setAnswer(long battle, Side side, String text, boolean complete) {
        String col = side == Side.A ? "a" : "b";
        try (PreparedStatement ps = db.prepareStatement("UPDATE battles SET answer_" + col + " = ?, incomplete_" + col
                + " = ? WHERE id = ?")) {
            ps.setString(1, text);
            ps.setInt(2, complete ? 0 : 1);
            ps.setLong(3, battle);
            if (ps.executeUpdate() != 1) {
                throw new IllegalArgumentException("no battle " + battle);
            }
        } catch (SQLException e) {
            throw failed("store an answer", e);
        }
    }

    /**
     * Records the decision on a battle; when this returns, the vote is on disk.
     *
     * @throws VoteRefusedException when the battle does not exist, already has its vote, or lacks an answer
     */
    public synchronized void vote(long battle, Outcome outcome, String judge) throws VoteRefusedException {
        Battle b = battle(battle).orElseThrow(() -> new VoteRefusedException(VoteRefusedException.Reason.UNKNOWN_BATTLE,
                "there is no battle " + battle));
        if (b.vote().isPresent()) {
            throw new VoteRefusedException(VoteRefusedException.Reason.ALREADY_VOTED, "battle " + battle + " already has its vote");
        }
        if (b.incompleteA() || b.incompleteB()) {
            throw new VoteRefusedException(VoteRefusedException.Reason.INCOMPLETE_ANSWER, "battle " + battle
                    + " cannot be judged: answer " + (b.incompleteA() ? "A" : "B") + " was cut short (the page was closed "
                    + "or lost its connection while it was being written), so the ratings leave it out; start a new battle");
        }
        if (!answered(battle)) {
            throw new VoteRefusedException(VoteRefusedException.Reason.NOT_READY,
                    "battle " + battle + " is still being answered; vote when both answers are complete");
        }
        try {
            insertVote(battle, outcome, judge, Instant.now());
        } catch (SQLException e) {
            throw failed("store a vote", e);
        }
    }

    /** Stores a decided battle (an automatic battle or an imported one) in one transaction; returns its id. */
    public synchronized long addDecided(Instant time, String prompt, String modelA, String modelB, String answerA,
                                        String answerB, String sampler, long seed, Outcome outcome, String judge) {
        try {
            db.setAutoCommit(false);
            try {
                long id = insertBattle(time, prompt, modelA, modelB, answerA, answerB, sampler, seed);
                insertVote(id, outcome, judge, time);
                db.commit();
                return id;
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failed("store a decided battle", e);
        }
    }

    private long insertBattle(Instant time, String prompt, String modelA, String modelB, String answerA, String answerB,
                              String sampler, long seed) throws SQLException {
        if (modelA.equals(modelB)) {
            throw new IllegalArgumentException("a model cannot battle itself: " + modelA);
        }
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO battles (created_ms, prompt, model_a, model_b, answer_a, "
                + "answer_b, sampler, seed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setLong(1, time.toEpochMilli());
            ps.setString(2, prompt);
            ps.setString(3, modelA);
            ps.setString(4, modelB);
            ps.setString(5, answerA);
            ps.setString(6, answerB);
            ps.setString(7, sampler);
            ps.setLong(8, seed);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    private void insertVote(long battle, Outcome outcome, String judge, Instant time) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO votes (battle_id, winner, judge, created_ms) VALUES (?, ?, ?, ?)")) {
            ps.setLong(1, battle);
            ps.setString(2, outcome.label());
            ps.setString(3, judge);
            ps.setLong(4, time.toEpochMilli());
            ps.executeUpdate();
        }
    }

    /** Whether {@code side}'s answer of the battle is stored (it may be empty). */
    public synchronized boolean hasAnswer(long battle, Side side) {
        String col = side == Side.A ? "answer_a" : "answer_b";
        try (PreparedStatement ps = db.prepareStatement("SELECT " + col + " IS NOT NULL FROM battles WHERE id = ?")) {
            ps.setLong(1, battle);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw failed("read a battle", e);
        }
    }

    private boolean answered(long battle) {
        try (PreparedStatement ps = db.prepareStatement("SELECT answer_a IS NOT NULL AND answer_b IS NOT NULL FROM battles WHERE id = ?")) {
            ps.setLong(1, battle);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw failed("read a battle", e);
        }
    }

    private static final String SELECT = "SELECT b.id, b.created_ms, b.prompt, b.model_a, b.model_b, b.answer_a, b.answer_b, "
            + "b.sampler, b.seed, v.winner, v.judge, v.created_ms, b.incomplete_a, b.incomplete_b "
            + "FROM battles b LEFT JOIN votes v ON v.battle_id = b.id ";

    /** The battle with this id, if any. */
    public synchronized Optional<Battle> battle(long id) {
        try (PreparedStatement ps = db.prepareStatement(SELECT + "WHERE b.id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failed("read a battle", e);
        }
    }

    /** Every decided battle, in the order of their votes. */
    public synchronized List<Battle> decided() {
        List<Battle> out = new ArrayList<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(SELECT + "WHERE v.battle_id IS NOT NULL "
                + "ORDER BY v.created_ms, v.battle_id")) {
            while (rs.next()) {
                out.add(read(rs));
            }
        } catch (SQLException e) {
            throw failed("read the battles", e);
        }
        return out;
    }

    /** The decided battles as rating input, in the order of their votes: never one with an answer cut short. */
    public List<Match> matches() {
        return decided().stream().filter(b -> !b.incompleteA() && !b.incompleteB()).map(Battle::match).toList();
    }

    /** How many battles (decided or not) each unordered pair of models has had. */
    public synchronized Map<Pairing.Pair, Integer> pairCounts() {
        Map<Pairing.Pair, Integer> out = new HashMap<>();
        try (Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT model_a, model_b, COUNT(*) FROM battles GROUP BY model_a, model_b")) {
            while (rs.next()) {
                out.merge(Pairing.Pair.of(rs.getString(1), rs.getString(2)), rs.getInt(3), Integer::sum);
            }
        } catch (SQLException e) {
            throw failed("count the battles", e);
        }
        return out;
    }

    private static Battle read(ResultSet rs) throws SQLException {
        String winner = rs.getString(10);
        Optional<Battle.Vote> vote = winner == null ? Optional.empty() : Optional.of(new Battle.Vote(
                Outcome.of(winner).orElseThrow(() -> new SQLException("unknown winner in the database: " + winner)),
                rs.getString(11), Instant.ofEpochMilli(rs.getLong(12))));
        return new Battle(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4), rs.getString(5),
                nonNull(rs.getString(6)), nonNull(rs.getString(7)), rs.getBoolean(13), rs.getBoolean(14), rs.getString(8),
                rs.getLong(9), vote);
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    private static IllegalStateException failed(String what, SQLException e) {
        return new IllegalStateException("arena database: cannot " + what + ": " + e.getMessage(), e);
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw failed("close", e);
        }
    }
}
