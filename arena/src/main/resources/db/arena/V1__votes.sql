-- Arena votes: one row per acknowledged vote. SQL common to SQLite and PostgreSQL.
-- state_json holds FastChat's vote-log record {tstamp, type, models, states, ip}.
CREATE TABLE arena_vote (
  id VARCHAR(64) PRIMARY KEY,
  tstamp DOUBLE PRECISION NOT NULL,
  vote_type VARCHAR(32) NOT NULL,
  model_a VARCHAR(200) NOT NULL,
  model_b VARCHAR(200) NOT NULL,
  winner VARCHAR(32) NOT NULL,
  anony INTEGER NOT NULL,
  judge VARCHAR(200),
  turn INTEGER NOT NULL,
  state_json TEXT NOT NULL
);
CREATE INDEX arena_vote_tstamp ON arena_vote (tstamp);

-- Judges flagged by anomaly detection or an admin; their votes are left out of the ratings.
CREATE TABLE arena_user_flag (
  judge VARCHAR(200) PRIMARY KEY,
  reason TEXT NOT NULL,
  tstamp DOUBLE PRECISION NOT NULL
);
