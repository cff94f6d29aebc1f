//! Migrations: append-only. Never edit a released entry; add a new one at the end.
//! Entry `i` moves the database from `PRAGMA user_version = i` to `i + 1`.

/// The migrations, in order.
pub const MIGRATIONS: &[&str] = &[
    // 1: initial schema.
    r#"
CREATE TABLE links (
    id                    INTEGER PRIMARY KEY,
    item_id               TEXT    NOT NULL UNIQUE,
    institution_id        TEXT,
    institution_name      TEXT,
    name                  TEXT    NOT NULL,
    -- ACTIVE | LOGIN_REQUIRED | KEYCHAIN_MISSING | ARCHIVED
    status                TEXT    NOT NULL DEFAULT 'ACTIVE',
    products              TEXT    NOT NULL DEFAULT '[]',  -- JSON array
    cursor                TEXT,                           -- /transactions/sync cursor
    created_at            TEXT    NOT NULL,
    updated_at            TEXT    NOT NULL,
    last_sync_at          TEXT,
    last_sync_status      TEXT,                           -- transactions_update_status
    last_error_code       TEXT,
    last_error_request_id TEXT,
    last_error_at         TEXT
);

-- Hashes (SHA-256) of exchanged public tokens, never the tokens: makes the exchange idempotent.
CREATE TABLE public_tokens (
    hash         TEXT    PRIMARY KEY,
    link_id      INTEGER NOT NULL REFERENCES links(id) ON DELETE CASCADE,
    exchanged_at TEXT    NOT NULL
);

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    link_id       INTEGER NOT NULL REFERENCES links(id) ON DELETE CASCADE,
    account_id    TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    official_name TEXT,
    mask          TEXT,
    type          TEXT    NOT NULL,
    subtype       TEXT,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE INDEX accounts_link ON accounts(link_id);

-- Balance snapshots over time; amounts are exact decimal text.
CREATE TABLE balances (
    id                       INTEGER PRIMARY KEY,
    account_id               INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    fetched_at               TEXT    NOT NULL,
    source                   TEXT    NOT NULL,  -- accounts_get | balance_get | sync
    available                TEXT,
    current                  TEXT,
    credit_limit             TEXT,
    iso_currency_code        TEXT,
    unofficial_currency_code TEXT
);
CREATE INDEX balances_account_time ON balances(account_id, fetched_at DESC, id DESC);

CREATE TABLE transactions (
    id                       INTEGER PRIMARY KEY,
    transaction_id           TEXT    NOT NULL UNIQUE,
    account_id               INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    date                     TEXT    NOT NULL,   -- YYYY-MM-DD
    authorized_date          TEXT,
    amount                   TEXT    NOT NULL,   -- exact decimal text, positive = money out
    iso_currency_code        TEXT,
    unofficial_currency_code TEXT,
    name                     TEXT    NOT NULL,
    merchant_name            TEXT,
    pending                  INTEGER NOT NULL,
    pending_transaction_id   TEXT,
    payment_channel          TEXT,
    category                 TEXT,
    search_text              TEXT    NOT NULL    -- lowercase name + merchant, for LIKE
);
CREATE INDEX transactions_date ON transactions(date DESC, id DESC);
CREATE INDEX transactions_account_date ON transactions(account_id, date DESC, id DESC);

-- Link token cache (link tokens are short-lived and not secret).
CREATE TABLE link_tokens (
    id              INTEGER PRIMARY KEY,
    link_token      TEXT    NOT NULL UNIQUE,
    purpose         TEXT    NOT NULL,  -- e.g. new, new+hosted, update:3, update+select:3
    link_id         INTEGER REFERENCES links(id) ON DELETE CASCADE,
    expiration      TEXT    NOT NULL,
    hosted_link_url TEXT,
    created_at      TEXT    NOT NULL,
    used_at         TEXT
);
CREATE INDEX link_tokens_purpose ON link_tokens(purpose, used_at, expiration);

-- Support log: what happened to which link. No FK: it outlives removed links.
CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    at         TEXT    NOT NULL,
    link_id    INTEGER,
    item_id    TEXT,
    kind       TEXT    NOT NULL,
    detail     TEXT    NOT NULL DEFAULT '',
    error_code TEXT,
    request_id TEXT
);
CREATE INDEX events_link ON events(link_id, id);

-- Which keychain entries this app wrote (the keychain cannot be enumerated). Written before
-- the keychain entry, removed after it is deleted: reconcile compares it with links and vault.
CREATE TABLE vault_entries (
    key        TEXT PRIMARY KEY,
    item_id    TEXT NOT NULL,
    created_at TEXT NOT NULL
);
"#,
];
