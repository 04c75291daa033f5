-- One SQLite file holds every workspace. Domain objects are JSON documents keyed by kind;
-- events, deliveries and attempts are rows because they are queried and counted.
CREATE TABLE IF NOT EXISTS workspaces (
    id TEXT PRIMARY KEY,
    seed TEXT NOT NULL,
    merchant_id TEXT NOT NULL,
    merchant_name TEXT NOT NULL,
    created_at REAL NOT NULL,
    last_seen_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (
    workspace TEXT NOT NULL,
    name TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (workspace, name)
);
CREATE TABLE IF NOT EXISTS objects (
    workspace TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (workspace, kind, id)
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace TEXT NOT NULL,
    created_at REAL NOT NULL,
    name TEXT NOT NULL,
    source TEXT NOT NULL,
    order_id TEXT NOT NULL DEFAULT '',
    fields TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_workspace ON events (workspace, id);
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace TEXT NOT NULL,
    event_id INTEGER NOT NULL REFERENCES events (id),
    connection_id TEXT NOT NULL,
    send INTEGER NOT NULL,
    reason TEXT NOT NULL,
    params TEXT NOT NULL,
    state TEXT NOT NULL,           -- skipped | pending | delivered | failed
    url TEXT NOT NULL DEFAULT '',
    success TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_by_event ON deliveries (event_id);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (state, next_attempt_at);
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id INTEGER NOT NULL REFERENCES deliveries (id),
    at REAL NOT NULL,
    ok INTEGER NOT NULL,
    status INTEGER,
    latency_ms REAL NOT NULL,
    reply TEXT NOT NULL,
    error TEXT NOT NULL,
    detail TEXT NOT NULL,
    manual INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS attempts_by_delivery ON attempts (delivery_id);
-- The simulated Zapier side: what its hook received, each Zap's run, and what actions made.
CREATE TABLE IF NOT EXISTS receptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace TEXT NOT NULL,
    received_at TEXT NOT NULL,
    delivery_id INTEGER,
    event TEXT NOT NULL,
    accepted INTEGER NOT NULL,
    record_id TEXT,
    duplicate INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS receptions_by_workspace ON receptions (workspace, id);
CREATE INDEX IF NOT EXISTS receptions_by_delivery ON receptions (delivery_id);
CREATE TABLE IF NOT EXISTS seen_records (
    workspace TEXT NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (workspace, record_id)
);
CREATE TABLE IF NOT EXISTS zap_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace TEXT NOT NULL,
    reception_id INTEGER REFERENCES receptions (id),
    zap_id TEXT NOT NULL,
    status TEXT NOT NULL,
    test INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS zap_runs_by_zap ON zap_runs (workspace, zap_id, id);
CREATE INDEX IF NOT EXISTS zap_runs_by_reception ON zap_runs (reception_id);
-- The developer workbench: what the inbound inspector received, which deliveries were
-- replays (and of what), and the forced answers of the sandbox's own receivers.
CREATE TABLE IF NOT EXISTS inbound_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace TEXT NOT NULL,
    received_at TEXT NOT NULL,
    connection_id TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    query TEXT NOT NULL DEFAULT '',
    client TEXT NOT NULL DEFAULT '',
    headers TEXT NOT NULL,          -- JSON list of [name, value], secrets masked
    body BLOB NOT NULL,             -- the raw body, as received (empty when refused unread)
    body_size INTEGER NOT NULL,     -- bytes received, or declared by Content-Length
    fields TEXT,                    -- JSON object when the body decoded as a form
    event TEXT NOT NULL DEFAULT '',
    verdict TEXT NOT NULL,          -- valid | connection_test | unknown_event | bad_signature | rejected | unknown_connection
    cause TEXT NOT NULL,
    field TEXT NOT NULL DEFAULT '',
    params TEXT NOT NULL,
    status INTEGER,                 -- the HTTP status answered (NULL: no answer, forced hang)
    reply TEXT NOT NULL,
    forced TEXT,                    -- JSON of the forced behaviour in effect, if any
    event_id INTEGER,               -- the events row this request is (simulated or inbound)
    original_delivery_id INTEGER,   -- the sandbox delivery this body was matched to
    diff TEXT                       -- JSON field differences from that delivery
);
CREATE INDEX IF NOT EXISTS inbound_by_workspace ON inbound_requests (workspace, id);
CREATE INDEX IF NOT EXISTS inbound_by_event ON inbound_requests (event_id);
CREATE TABLE IF NOT EXISTS replays (
    delivery_id INTEGER PRIMARY KEY REFERENCES deliveries (id),
    workspace TEXT NOT NULL,
    event_id INTEGER NOT NULL,
    resigned INTEGER NOT NULL,
    data TEXT NOT NULL,             -- JSON: changes, removed, diff, signature
    original_body TEXT NOT NULL,    -- the signed body the replay started from
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS receiver_behaviours (
    workspace TEXT NOT NULL,
    connection_id TEXT NOT NULL,
    mode TEXT NOT NULL,             -- normal | error | no_ok | slow | hang
    status INTEGER NOT NULL,
    delay_ms INTEGER NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (workspace, connection_id)
);
