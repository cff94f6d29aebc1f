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
    // 2: substring search index. `transactions_fts` indexes `transactions.search_text`
    // (already lowercase) by trigrams, case-sensitively so that a phrase matches exactly what
    // `instr` finds. It is external-content (the text lives only in `transactions`). Existing
    // rows are indexed here ('rebuild').
    //
    // Writes do not touch it row by row: FTS5 flushes its pending data at every statement
    // savepoint, so a per-row trigger into it writes a segment per row (5x slower upserts).
    // Triggers instead queue the changed row ids in `transactions_fts_queue`, with the text
    // the index holds for each (first change wins; `WHERE NOT EXISTS`, because an upsert's
    // ON CONFLICT would override a trigger's `OR IGNORE`), and `transactions::write::flush_search`
    // applies the queue in two set statements at the end of every write transaction
    // (`Store::write`, `Run::commit`). A reader that finds the queue non-empty (someone wrote
    // through a bare connection) does not trust the index and scans instead.
    r#"
CREATE VIRTUAL TABLE transactions_fts USING fts5(
    search_text,
    content = 'transactions',
    content_rowid = 'id',
    tokenize = 'trigram case_sensitive 1',
    detail = 'full'
);
INSERT INTO transactions_fts(transactions_fts) VALUES ('rebuild');

CREATE TABLE transactions_fts_queue (
    id       INTEGER PRIMARY KEY,  -- transactions.id
    old_text TEXT                  -- what the index holds for id; NULL = nothing
);
CREATE TRIGGER transactions_fts_insert AFTER INSERT ON transactions BEGIN
    INSERT INTO transactions_fts_queue (id, old_text)
        SELECT new.id, NULL WHERE NOT EXISTS (SELECT 1 FROM transactions_fts_queue WHERE id = new.id);
END;
CREATE TRIGGER transactions_fts_delete AFTER DELETE ON transactions BEGIN
    INSERT INTO transactions_fts_queue (id, old_text)
        SELECT old.id, old.search_text WHERE NOT EXISTS (SELECT 1 FROM transactions_fts_queue WHERE id = old.id);
END;
CREATE TRIGGER transactions_fts_update AFTER UPDATE OF id, search_text ON transactions
WHEN old.id IS NOT new.id OR old.search_text IS NOT new.search_text BEGIN
    INSERT INTO transactions_fts_queue (id, old_text)
        SELECT old.id, old.search_text WHERE NOT EXISTS (SELECT 1 FROM transactions_fts_queue WHERE id = old.id);
    INSERT INTO transactions_fts_queue (id, old_text)
        SELECT new.id, NULL WHERE NOT EXISTS (SELECT 1 FROM transactions_fts_queue WHERE id = new.id);
END;
"#,
    // 3: the search index also indexes each row's account, so that FTS5 intersects a term
    // with accounts itself (`{search_text}: "uber" AND {account}: "…"`). The account column
    // holds the account row id as exactly three characters (20 bits each, code points
    // U+10000..U+10FFFF): the trigram tokenizer makes it exactly one token, which no other
    // account's token contains. `transactions_fts_content` is the content the index reads
    // (rebuild, integrity-check); `transactions::write::flush_search` writes the same form.
    // The queue remembers the account the index holds, and a row moving to another account
    // is queued like a text change. Rebuilt from the table (the queue is dropped with it).
    r#"
DROP TRIGGER transactions_fts_insert;
DROP TRIGGER transactions_fts_delete;
DROP TRIGGER transactions_fts_update;
DROP TABLE transactions_fts;
DELETE FROM transactions_fts_queue;
ALTER TABLE transactions_fts_queue ADD COLUMN old_account INTEGER;

CREATE VIEW transactions_fts_content AS
SELECT id, search_text,
       char(65536 + ((account_id >> 40) & 1048575), 65536 + ((account_id >> 20) & 1048575),
            65536 + (account_id & 1048575)) AS account
FROM transactions;

CREATE VIRTUAL TABLE transactions_fts USING fts5(
    search_text,
    account,
    content = 'transactions_fts_content',
    content_rowid = 'id',
    tokenize = 'trigram case_sensitive 1',
    detail = 'full'
);
INSERT INTO transactions_fts(transactions_fts) VALUES ('rebuild');

CREATE TRIGGER transactions_fts_insert AFTER INSERT ON transactions BEGIN
    INSERT INTO transactions_fts_queue (id, old_text, old_account)
        SELECT new.id, NULL, NULL WHERE NOT EXISTS (SELECT 1 FROM transactions_fts_queue WHERE id = new.id);
END;
CREATE TRIGGER transactions_fts_delete AFTER DELETE ON transactions BEGIN
    INSERT INTO transactions_fts_queue (id, old_text, old_account)
        SELECT old.id, old.search_text, old.account_id
        WHERE NOT EXISTS (SELECT 1 FROM transactions_fts_queue WHERE id = old.id);
END;
CREATE TRIGGER transactions_fts_update AFTER UPDATE OF id, search_text, account_id ON transactions
WHEN old.id IS NOT new.id OR old.search_text IS NOT new.search_text OR old.account_id IS NOT new.account_id BEGIN
    INSERT INTO transactions_fts_queue (id, old_text, old_account)
        SELECT old.id, old.search_text, old.account_id
        WHERE NOT EXISTS (SELECT 1 FROM transactions_fts_queue WHERE id = old.id);
    INSERT INTO transactions_fts_queue (id, old_text, old_account)
        SELECT new.id, NULL, NULL WHERE NOT EXISTS (SELECT 1 FROM transactions_fts_queue WHERE id = new.id);
END;
"#,
    // 4: the account/date index carries the search text, so that a search within accounts
    // and dates reads index entries only (no table row per entry in the range).
    r#"
CREATE INDEX transactions_account_text ON transactions(account_id, date DESC, id DESC, search_text);
DROP INDEX transactions_account_date;
"#,
    // 5: the account token becomes a virtual generated column of `transactions`,
    // `search_account`, and the index's content is `transactions` itself again (no view):
    // anything that copies the table's schema (the benchmark's baseline) gets an index it can
    // rebuild. Same tokens as migration 3; rebuilt once more.
    r#"
DROP TABLE transactions_fts;
DROP VIEW transactions_fts_content;
DELETE FROM transactions_fts_queue;
ALTER TABLE transactions ADD COLUMN search_account TEXT GENERATED ALWAYS AS (
    char(65536 + ((account_id >> 40) & 1048575), 65536 + ((account_id >> 20) & 1048575),
         65536 + (account_id & 1048575))) VIRTUAL;

CREATE VIRTUAL TABLE transactions_fts USING fts5(
    search_text,
    search_account,
    content = 'transactions',
    content_rowid = 'id',
    tokenize = 'trigram case_sensitive 1',
    detail = 'full'
);
INSERT INTO transactions_fts(transactions_fts) VALUES ('rebuild');
"#,
    // 6: each account's number of transactions, `accounts.txn_count`, kept exact by triggers
    // (any connection's writes), so that the total of a list filtered by accounts only is a
    // sum over a few rows instead of a count over their index entries. An upsert's
    // ON CONFLICT DO UPDATE fires UPDATE triggers (not INSERT ones): a row changing account
    // moves its count; a cascade from a removed link or account fires the DELETE trigger
    // (its UPDATE of the account being deleted then touches nothing). Backfilled here.
    r#"
ALTER TABLE accounts ADD COLUMN txn_count INTEGER NOT NULL DEFAULT 0;
UPDATE accounts SET txn_count = (SELECT count(*) FROM transactions t WHERE t.account_id = accounts.id);

CREATE TRIGGER transactions_count_insert AFTER INSERT ON transactions BEGIN
    UPDATE accounts SET txn_count = txn_count + 1 WHERE id = new.account_id;
END;
CREATE TRIGGER transactions_count_delete AFTER DELETE ON transactions BEGIN
    UPDATE accounts SET txn_count = txn_count - 1 WHERE id = old.account_id;
END;
CREATE TRIGGER transactions_count_move AFTER UPDATE OF account_id ON transactions
WHEN old.account_id IS NOT new.account_id BEGIN
    UPDATE accounts SET txn_count = txn_count - 1 WHERE id = old.account_id;
    UPDATE accounts SET txn_count = txn_count + 1 WHERE id = new.account_id;
END;
"#,
    // 7: row ids clustered by account: a transaction's id is `(account_id << 40) + n`, `n`
    // counting from 1 within the account (`transactions::write::upsert` takes the account's
    // highest id + 1, and a row moving to another account gets a new id there), so an
    // account's rows are one row id range and the search index can seek a term's matches
    // within accounts (`rowid BETWEEN …`) instead of checking the phrase on every match.
    // Writes through other connections (a plain INSERT takes the highest id + 1, an UPDATE
    // of `account_id` keeps the id) are put in their account's range by triggers, which do
    // nothing for the upsert's rows (their WHEN is false); each first queues what the index
    // holds for the row (its renumbering fires the queue's triggers with the row's new
    // account already, and may run before them). Existing rows are renumbered in
    // their id order and the index rebuilt (the id changes would otherwise all be queued).
    // Counters are untouched (no row changes account).
    r#"
UPDATE transactions SET id = r.new
FROM (SELECT id AS old,
             (account_id << 40) + row_number() OVER (PARTITION BY account_id ORDER BY id) AS new
      FROM transactions) AS r
WHERE transactions.id = r.old;
DELETE FROM transactions_fts_queue;
INSERT INTO transactions_fts(transactions_fts) VALUES ('rebuild');

CREATE TRIGGER transactions_cluster_insert AFTER INSERT ON transactions
WHEN new.id >> 40 IS NOT new.account_id BEGIN
    INSERT INTO transactions_fts_queue (id, old_text, old_account)
        SELECT new.id, NULL, NULL WHERE NOT EXISTS (SELECT 1 FROM transactions_fts_queue WHERE id = new.id);
    UPDATE transactions SET id = coalesce(
        (SELECT id FROM transactions
         WHERE id BETWEEN new.account_id << 40 AND (new.account_id << 40) + 1099511627775
         ORDER BY id DESC LIMIT 1), new.account_id << 40) + 1
    WHERE id = new.id;
END;
CREATE TRIGGER transactions_cluster_update AFTER UPDATE OF id, account_id ON transactions
WHEN new.id >> 40 IS NOT new.account_id BEGIN
    INSERT INTO transactions_fts_queue (id, old_text, old_account)
        SELECT old.id, old.search_text, old.account_id
        WHERE NOT EXISTS (SELECT 1 FROM transactions_fts_queue WHERE id = old.id);
    UPDATE transactions SET id = coalesce(
        (SELECT id FROM transactions
         WHERE id BETWEEN new.account_id << 40 AND (new.account_id << 40) + 1099511627775
         ORDER BY id DESC LIMIT 1), new.account_id << 40) + 1
    WHERE id = new.id;
END;
"#,
    // 8: bearer tokens of the local REST API (`coffer-cli serve`): only a SHA-256 of each
    // token is kept; a revoked token stays listed (with `revoked_at`) so its name is not
    // silently reused.
    r#"
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
"#,
    // 9: when the person's consent to share an Item ends (`/item/get`'s
    // `consent_expiration_time`), so the UI can say "reconnect before" in time.
    r#"
ALTER TABLE links ADD COLUMN consent_expires_at TEXT;
"#,
    // 10: the person's words beside Plaid's rows (docs/ARCHITECTURE.md, "Edits, rules,
    // splits and transfers"). Plaid's columns are never changed by an edit: each table here
    // is keyed by the Plaid transaction id and goes with its row (ON DELETE CASCADE: a
    // `removed` row takes its edit with it; sync moves a pending row's edit to the posted
    // row that replaces it before the pending row goes). A field set by a rule names the
    // rule (`*_rule`); NULL there with a value means the person set it by hand, and rules
    // never overwrite that. `search_extra` is the lowercase display name and note (and a
    // split part's note) that `transactions.search_text` carries after Plaid's name and
    // merchant, so search finds the person's words through the same index. `category_detailed` is Plaid's detailed
    // personal-finance category (the existing `category` holds the primary).
    // `category_group` is what a row counts under: the person's category group, else Plaid's
    // primary (kept by the upsert and every edit), indexed with the date so that a list of
    // one category is an index range in date order.
    r#"
ALTER TABLE transactions ADD COLUMN category_detailed TEXT;
ALTER TABLE transactions ADD COLUMN category_group TEXT;
UPDATE transactions SET category_group = category;
CREATE INDEX transactions_group ON transactions(category_group, date DESC, id DESC);

CREATE TABLE categories (
    name       TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
    created_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE rules (
    id         INTEGER PRIMARY KEY,
    position   INTEGER NOT NULL,
    name       TEXT    NOT NULL,
    enabled    INTEGER NOT NULL DEFAULT 1,
    conditions TEXT    NOT NULL,  -- JSON array of conditions, all must hold
    actions    TEXT    NOT NULL,  -- JSON array of actions
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);
CREATE INDEX rules_position ON rules(position, id);

CREATE TABLE transaction_edits (
    transaction_id TEXT NOT NULL PRIMARY KEY
                   REFERENCES transactions(transaction_id) ON DELETE CASCADE,
    category       TEXT,     -- a Plaid code (primary or detailed) or a person's category
    category_group TEXT,     -- what charts group by: the code's primary, or the name
    category_rule  INTEGER,  -- the rule that set it; NULL = by hand
    name           TEXT,
    name_rule      INTEGER,
    note           TEXT,
    exclude        INTEGER,  -- 1 = left out of spending and income
    exclude_rule   INTEGER,
    not_transfer   INTEGER NOT NULL DEFAULT 0,  -- the person unpaired it: never paired again
    search_extra   TEXT NOT NULL DEFAULT '',
    updated_at     TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX transaction_edits_group ON transaction_edits(category_group);

-- `account_id` and `date` repeat the row's (kept by the triggers below), so that a tag within
-- accounts and dates is counted from this table's index alone.
CREATE TABLE transaction_tags (
    transaction_id TEXT NOT NULL REFERENCES transactions(transaction_id) ON DELETE CASCADE,
    tag            TEXT NOT NULL,
    rule           INTEGER,  -- NULL = by hand
    account_id     INTEGER NOT NULL,
    date           TEXT    NOT NULL,
    PRIMARY KEY (transaction_id, tag)
) WITHOUT ROWID;
CREATE INDEX transaction_tags_tag ON transaction_tags(tag, account_id, date);
CREATE TRIGGER transaction_tags_follow AFTER UPDATE OF account_id, date ON transactions
WHEN old.account_id IS NOT new.account_id OR old.date IS NOT new.date BEGIN
    UPDATE transaction_tags SET account_id = new.account_id, date = new.date
    WHERE transaction_id = new.transaction_id;
END;
CREATE TRIGGER transaction_tags_moved AFTER UPDATE OF transaction_id ON transaction_tags BEGIN
    UPDATE transaction_tags SET (account_id, date) =
        (SELECT account_id, date FROM transactions WHERE transaction_id = new.transaction_id)
    WHERE transaction_id = new.transaction_id AND tag = new.tag;
END;

CREATE TABLE transaction_splits (
    transaction_id TEXT    NOT NULL REFERENCES transactions(transaction_id) ON DELETE CASCADE,
    part           INTEGER NOT NULL,  -- 0, 1, …
    amount         TEXT    NOT NULL,  -- exact decimal, same sign convention as Plaid's
    category       TEXT,
    category_group TEXT,
    note           TEXT,
    search_extra   TEXT NOT NULL DEFAULT '',  -- ' ' and the note in lowercase: searchable
    PRIMARY KEY (transaction_id, part)
) WITHOUT ROWID;

-- Money moving between two of the person's accounts: `out_id` left one (amount > 0),
-- `in_id` arrived in the other (amount < 0).
CREATE TABLE transfers (
    out_id  TEXT NOT NULL PRIMARY KEY REFERENCES transactions(transaction_id) ON DELETE CASCADE,
    in_id   TEXT NOT NULL UNIQUE REFERENCES transactions(transaction_id) ON DELETE CASCADE,
    by_hand INTEGER NOT NULL,
    paired_at TEXT NOT NULL
) WITHOUT ROWID;

-- The words of a pending row Plaid removed before sending the posted row that replaces it
-- (`pending_transaction_id`), held (as JSON of the rows above) until that posted row arrives
-- in a later sync, or for 30 days. Transfers are not held: pending rows are never paired.
CREATE TABLE held_words (
    transaction_id TEXT NOT NULL PRIMARY KEY,  -- the removed pending row's id
    account_id     INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    edit           TEXT,                       -- its transaction_edits row, or NULL
    tags           TEXT NOT NULL,              -- its transaction_tags rows
    splits         TEXT NOT NULL,              -- its transaction_splits rows
    held_at        TEXT NOT NULL
) WITHOUT ROWID;

-- Bumped by every change to the tables above, so `store::revision` (what the UI polls, and
-- what "apply rules to existing transactions" checks its preview against) sees them.
CREATE TABLE personal_changes (n INTEGER NOT NULL);
INSERT INTO personal_changes (n) VALUES (0);
"#,
];
