-- Users, their scope, sessions, API tokens and the append-only audit log (issue 6).
-- Same tables as migrations/postgres/0005_auth.sql.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      text NOT NULL UNIQUE CHECK (length(username) BETWEEN 1 AND 64),
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('administrator', 'planner', 'command_staff', 'grid_worker', 'viewer')),
    scope_all     integer NOT NULL,
    disabled      integer NOT NULL DEFAULT 0,
    created_at    text NOT NULL
);

CREATE TABLE user_regions (
    user_id   integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    region_id integer NOT NULL REFERENCES regions (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, region_id)
);

CREATE TABLE user_grids (
    user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    grid_id integer NOT NULL REFERENCES grids (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, grid_id)
);
CREATE INDEX user_grids_grid ON user_grids (grid_id);

CREATE TABLE sessions (
    token_hash text PRIMARY KEY,
    user_id    integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at text NOT NULL,
    expires_at text NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    token_hash text NOT NULL UNIQUE,
    user_id    integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       text NOT NULL,
    created_at text NOT NULL,
    expires_at text NOT NULL
);

-- Append-only: the triggers refuse every UPDATE and DELETE (SQLite has no TRUNCATE; its
-- "truncate optimisation" of DELETE without WHERE is disabled by a DELETE trigger).
CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      text NOT NULL,
    user_id integer,
    actor   text NOT NULL,
    action  text NOT NULL,
    target  text NOT NULL,
    detail  text NOT NULL DEFAULT '',
    remote  text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused');
END;
