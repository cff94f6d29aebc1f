//! The sandbox's state: Items (with their transaction change logs), access/public/link tokens.
//!
//! An Item's visible transaction history is a log: positions `0..history` are the generated base
//! transactions (each one "added"), followed by `log`, the mutations that happened later
//! (pending→posted, refreshes, `/sandbox/transactions/create`). A sync cursor is a position in
//! this log, so every page costs O(count) no matter how long the history is. Only `log` is
//! stored; the base is regenerated from the seed.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::data::accounts::has_transactions;
use crate::data::generate::{GenTxn, Generator, MAX_DAYS_REQUESTED, account_id};
use crate::data::institutions::{Health, SHORT_CONSENT, institution};
use crate::data::json::{AccountJson, account_json};
use crate::data::products::ITEM_PRODUCTS;
use crate::plaid_error::ApiError;

/// Sandbox Items go into `ITEM_LOGIN_REQUIRED` this long after their last login.
pub const LOGIN_LIFETIME_DAYS: i64 = 30;
/// Pending base transactions post this long after the Item was created.
pub const PENDING_SETTLE_DAYS: i64 = 2;
/// Consent-based Items are warned this long before their consent expires.
pub const CONSENT_WARNING_DAYS: i64 = 7;

/// One mutation appended to an Item's history.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Entry {
    /// A new transaction (full JSON).
    Added { txn: Value },
    /// A changed transaction (full JSON of the new version).
    Modified { txn: Value },
    /// A transaction that disappeared (e.g. a pending one that posted).
    Removed {
        transaction_id: String,
        account_id: String,
    },
    /// The posted copy of pending base transaction `index`, posted on `date`.
    PostedBase { index: u64, date: NaiveDate },
}

/// A pending transaction added after creation, waiting to post.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PendingTxn {
    pub due: DateTime<Utc>,
    pub txn: Value,
}

/// A linked Item.
#[derive(Clone, Serialize, Deserialize)]
pub struct Item {
    pub item_id: String,
    pub institution_id: String,
    pub username: String,
    /// `user_transactions_dynamic`: refresh and `/sandbox/transactions/create` add transactions.
    pub dynamic: bool,
    pub seed: u64,
    pub history: u64,
    /// `days_requested`: the base transactions span this many days ending at creation. Items
    /// of state files written before it existed had 730.
    #[serde(default = "legacy_days_requested")]
    pub days_requested: u64,
    pub created_at: DateTime<Utc>,
    pub products: Vec<String>,
    pub webhook: Option<String>,
    pub account_slots: Vec<usize>,
    /// The slots the base transactions are spread over, when update-mode account selection
    /// later shared more accounts than the Item was made with (`None`: `account_slots`). Kept
    /// so adding an account does not reshuffle the history already synced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn_slots: Option<Vec<usize>>,
    pub login_required: bool,
    pub login_valid_from: DateTime<Utc>,
    pub removed: bool,
    pub via_link: bool,
    pub not_ready_pending: bool,
    pub historical_served: bool,
    pub log: Vec<Entry>,
    pub base_pending_settled: bool,
    pub open_pending: Vec<PendingTxn>,
    pub dyn_counter: u64,
    pub last_successful_update: Option<DateTime<Utc>>,
    pub last_webhook: Option<(DateTime<Utc>, String)>,
    /// An `ITEM` `ERROR` webhook told about the current error (cleared by update mode).
    #[serde(default)]
    pub error_notified: bool,
    /// The consent-expiry warning (`PENDING_EXPIRATION` / `PENDING_DISCONNECT`) was sent for
    /// the current login (cleared by update mode).
    #[serde(default)]
    pub expiry_warned: bool,
}

fn legacy_days_requested() -> u64 {
    MAX_DAYS_REQUESTED
}

impl std::fmt::Debug for Item {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Item")
            .field("item_id", &self.item_id)
            .field("institution_id", &self.institution_id)
            .field("history", &self.history)
            .field("log_len", &self.log.len())
            .field("removed", &self.removed)
            .finish_non_exhaustive()
    }
}

/// A transaction in a sync page: generated ones (the bulk) serialize directly; the ones the
/// change log stores (refresh, `/sandbox/transactions/create`, posted dynamic ones) are `Value`s.
#[derive(Clone, Debug)]
pub enum PageTxn {
    Generated(GenTxn),
    Stored(Value),
}

impl PageTxn {
    fn id(&self) -> &str {
        match self {
            PageTxn::Generated(t) => &t.id,
            PageTxn::Stored(v) => v["transaction_id"].as_str().unwrap_or_default(),
        }
    }

    fn account_id(&self) -> &str {
        match self {
            PageTxn::Generated(t) => &t.account_id,
            PageTxn::Stored(v) => txn_account(v),
        }
    }

    fn set_original_description(&mut self) {
        match self {
            PageTxn::Generated(t) => t.set_original_description(),
            PageTxn::Stored(v) => {
                v["original_description"] = json!(v["name"].as_str().map(str::to_uppercase));
            }
        }
    }
}

impl Serialize for PageTxn {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            PageTxn::Generated(t) => t.serialize(s),
            PageTxn::Stored(v) => v.serialize(s),
        }
    }
}

/// `RemovedTransaction`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RemovedTxn {
    pub transaction_id: String,
    pub account_id: String,
}

/// A page of `/transactions/sync`.
#[derive(Debug, Default)]
pub struct Page {
    pub added: Vec<PageTxn>,
    pub modified: Vec<PageTxn>,
    pub removed: Vec<RemovedTxn>,
}

/// One log position as read into a page.
enum Step {
    Added(PageTxn),
    Modified(PageTxn),
    Removed(RemovedTxn),
}

/// Positions of a page's transactions by id, filled only once a later entry needs to look one
/// up (a page made only of base transactions never hashes an id).
#[derive(Default)]
struct IdIndex {
    at: HashMap<String, usize>,
    indexed: usize,
}

impl IdIndex {
    /// Brings the index up to date with `txns` (which only ever grows or has slots emptied).
    fn sync(&mut self, txns: &[Option<PageTxn>]) -> &mut HashMap<String, usize> {
        for (k, t) in txns.iter().enumerate().skip(self.indexed) {
            if let Some(t) = t {
                self.at.insert(t.id().to_string(), k);
            }
        }
        self.indexed = txns.len();
        &mut self.at
    }
}

fn txn_id(v: &Value) -> String {
    v["transaction_id"].as_str().unwrap_or_default().to_string()
}

fn txn_account(v: &Value) -> &str {
    v["account_id"].as_str().unwrap_or_default()
}

impl Item {
    /// The generator of this Item's base transactions.
    pub fn generator(&self) -> Generator {
        Generator::new(
            self.seed,
            self.history,
            self.created_at.date_naive(),
            self.days_requested,
            self.txn_slots.as_deref().unwrap_or(&self.account_slots),
        )
    }

    /// Length of the visible log (base + mutations).
    pub fn log_len(&self, g: &Generator) -> u64 {
        g.history + self.log.len() as u64
    }

    /// Ids of the Item's accounts.
    pub fn account_ids(&self) -> Vec<String> {
        self.account_slots
            .iter()
            .map(|&s| account_id(self.seed, s))
            .collect()
    }

    /// `AccountBase` JSON of the Item's accounts, optionally filtered, optionally only the ones
    /// that carry transactions.
    pub fn accounts_json(&self, only_transactional: bool) -> Vec<AccountJson> {
        self.account_slots
            .iter()
            .filter(|&&s| !only_transactional || has_transactions(s))
            .map(|&s| account_json(self.seed, s))
            .collect()
    }

    /// The Item's current error, if any (login expiry included).
    pub fn current_error(&self, now: DateTime<Utc>) -> Option<ApiError> {
        if self.login_required || now >= self.login_expires_at() {
            return Some(ApiError::code("ITEM_LOGIN_REQUIRED"));
        }
        None
    }

    /// When the current login lapses into `ITEM_LOGIN_REQUIRED`.
    pub fn login_expires_at(&self) -> DateTime<Utc> {
        self.login_valid_from + chrono::Duration::days(self.login_lifetime_days())
    }

    /// Days a login lasts at this Item's institution.
    fn login_lifetime_days(&self) -> i64 {
        SHORT_CONSENT
            .iter()
            .find(|(id, _)| *id == self.institution_id)
            .map_or(LOGIN_LIFETIME_DAYS, |(_, days)| *days)
    }

    /// Consent-based Items (OAuth institutions and every UK/EU one) report the login lapse as
    /// their `consent_expiration_time`; others have none, as at Plaid.
    pub fn consent_expiration(&self) -> Option<DateTime<Utc>> {
        let ins = institution(&self.institution_id)?;
        let european = !ins.country_codes.iter().any(|c| *c == "US" || *c == "CA");
        (ins.oauth || european).then(|| self.login_expires_at())
    }

    /// Webhooks the passage of time (or a reset login) owes this Item, marking them sent: an
    /// `ITEM` `ERROR` once per error, and for consent-based Items a warning
    /// [`CONSENT_WARNING_DAYS`] before the consent expires (`PENDING_EXPIRATION` for UK/EU
    /// institutions, `PENDING_DISCONNECT` with `INSTITUTION_TOKEN_EXPIRATION` for US/CA ones).
    pub fn due_webhooks(&mut self, now: DateTime<Utc>) -> Vec<Value> {
        let mut out = Vec::new();
        if let Some(expires) = self.consent_expiration()
            && !self.expiry_warned
            && !self.login_required
            && now >= expires - chrono::Duration::days(CONSENT_WARNING_DAYS)
            && now < expires
        {
            self.expiry_warned = true;
            let at = rfc3339(expires);
            let us = institution(&self.institution_id)
                .is_some_and(|i| i.country_codes.iter().any(|c| *c == "US" || *c == "CA"));
            out.push(if us {
                crate::webhooks::body::pending_disconnect(
                    &self.item_id,
                    "INSTITUTION_TOKEN_EXPIRATION",
                    &at,
                )
            } else {
                crate::webhooks::body::pending_expiration(&self.item_id, &at)
            });
        }
        match self.current_error(now) {
            Some(e) if !self.error_notified => {
                self.error_notified = true;
                out.push(crate::webhooks::body::item_error(
                    &self.item_id,
                    e.to_json(None, true),
                ));
            }
            _ => {}
        }
        out
    }

    /// Gate for data calls: institution health, then the Item's error.
    pub fn check_data_access(&self, now: DateTime<Utc>) -> Result<(), ApiError> {
        if institution(&self.institution_id).map(|i| i.health) == Some(Health::Down) {
            return Err(ApiError::code("INSTITUTION_DOWN"));
        }
        match self.current_error(now) {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// `Item` JSON (as in `/item/get` and accounts responses).
    pub fn item_json(&self, now: DateTime<Utc>, with_created_at: bool) -> Value {
        let ins = institution(&self.institution_id);
        let billed: Vec<&str> = self.products.iter().map(String::as_str).collect();
        let available: Vec<&str> = ins
            .map(|i| i.products)
            .unwrap_or_default()
            .iter()
            .copied()
            .filter(|p| !billed.contains(p) && ITEM_PRODUCTS.contains(p))
            .collect();
        let mut v = json!({
            "item_id": self.item_id,
            "institution_id": self.institution_id,
            "institution_name": ins.map(|i| i.name),
            "webhook": self.webhook.clone().unwrap_or_default(),
            "auth_method": null,
            "error": self.current_error(now).map(|e| e.to_json(None, true)),
            "available_products": available,
            "billed_products": billed,
            "products": billed,
            "consented_products": billed,
            "consent_expiration_time": self.consent_expiration().map(rfc3339),
            "update_type": "background",
        });
        if with_created_at && let Some(o) = v.as_object_mut() {
            o.insert("created_at".into(), json!(rfc3339(self.created_at)));
        }
        v
    }

    /// Posts pending transactions that are due (all of them when `force`). Appends
    /// `removed(pending)` + `added(posted)` pairs; returns whether anything changed.
    pub fn settle(&mut self, now: DateTime<Utc>, force: bool) -> bool {
        let mut changed = false;
        let today = now.date_naive();
        if !self.base_pending_settled
            && (force || now >= self.created_at + chrono::Duration::days(PENDING_SETTLE_DAYS))
        {
            let g = self.generator();
            for i in g.first_pending()..g.history {
                self.log.push(Entry::Removed {
                    transaction_id: g.txn_id(i),
                    account_id: g.account_of(i),
                });
                let date = today.max(g.date_of(i));
                self.log.push(Entry::PostedBase { index: i, date });
            }
            self.base_pending_settled = true;
            changed = true;
        }
        let (due, keep): (Vec<PendingTxn>, Vec<PendingTxn>) =
            std::mem::take(&mut self.open_pending)
                .into_iter()
                .partition(|p| force || p.due <= now);
        self.open_pending = keep;
        for p in due {
            let pending_id = txn_id(&p.txn);
            self.log.push(Entry::Removed {
                transaction_id: pending_id.clone(),
                account_id: txn_account(&p.txn).to_string(),
            });
            let mut posted = p.txn;
            posted["transaction_id"] = json!(crate::ids::derived_id(
                self.seed ^ 0xB057,
                crate::ids::hash_str(&pending_id)
            ));
            posted["pending"] = json!(false);
            posted["pending_transaction_id"] = json!(pending_id);
            posted["date"] = json!(today.format("%Y-%m-%d").to_string());
            self.log.push(Entry::Added { txn: posted });
            changed = true;
        }
        changed
    }

    /// Reads log positions `from..to` as a sync page, collapsing changes within the page, keeping
    /// only `account_id` when given.
    pub fn read_page(
        &self,
        g: &Generator,
        from: u64,
        to: u64,
        account_id: Option<&str>,
        original_description: bool,
    ) -> Page {
        let mut added: Vec<Option<PageTxn>> = Vec::with_capacity((to - from).min(1024) as usize);
        let mut added_at = IdIndex::default();
        let mut modified: Vec<Option<PageTxn>> = Vec::new();
        let mut modified_at = IdIndex::default();
        let mut removed = Vec::new();
        for pos in from..to {
            let entry = if pos < g.history {
                Step::Added(PageTxn::Generated(g.base_txn(pos)))
            } else {
                match self.log.get((pos - g.history) as usize) {
                    Some(Entry::PostedBase { index, date }) => {
                        Step::Added(PageTxn::Generated(g.posted_txn(*index, *date)))
                    }
                    Some(Entry::Added { txn }) => Step::Added(PageTxn::Stored(txn.clone())),
                    Some(Entry::Modified { txn }) => Step::Modified(PageTxn::Stored(txn.clone())),
                    Some(Entry::Removed {
                        transaction_id,
                        account_id,
                    }) => Step::Removed(RemovedTxn {
                        transaction_id: transaction_id.clone(),
                        account_id: account_id.clone(),
                    }),
                    None => break,
                }
            };
            match entry {
                Step::Added(mut txn) => {
                    if account_id.is_some_and(|a| a != txn.account_id()) {
                        continue;
                    }
                    if original_description {
                        txn.set_original_description();
                    }
                    added.push(Some(txn));
                }
                Step::Modified(mut txn) => {
                    if account_id.is_some_and(|a| a != txn.account_id()) {
                        continue;
                    }
                    if original_description {
                        txn.set_original_description();
                    }
                    let id = txn.id().to_string();
                    if let Some(&k) = added_at.sync(&added).get(&id) {
                        added[k] = Some(txn);
                    } else if let Some(&k) = modified_at.sync(&modified).get(&id) {
                        modified[k] = Some(txn);
                    } else {
                        modified.push(Some(txn));
                    }
                }
                Step::Removed(r) => {
                    if account_id.is_some_and(|a| a != r.account_id) {
                        continue;
                    }
                    if let Some(k) = added_at.sync(&added).remove(&r.transaction_id) {
                        added[k] = None;
                        continue;
                    }
                    if let Some(k) = modified_at.sync(&modified).remove(&r.transaction_id) {
                        modified[k] = None;
                    }
                    removed.push(r);
                }
            }
        }
        Page {
            added: added.into_iter().flatten().collect(),
            modified: modified.into_iter().flatten().collect(),
            removed,
        }
    }

    /// Every transaction currently visible (replays the whole log; for tests).
    pub fn truth(&self) -> Vec<Value> {
        let g = self.generator();
        let mut order: Vec<String> = Vec::new();
        let mut current: HashMap<String, Value> = HashMap::new();
        let len = self.log_len(&g);
        fn put(current: &mut HashMap<String, Value>, order: &mut Vec<String>, t: Value) {
            let id = txn_id(&t);
            if current.insert(id.clone(), t).is_none() {
                order.push(id);
            }
        }
        for pos in 0..len {
            if pos < g.history {
                put(&mut current, &mut order, g.base(pos));
                continue;
            }
            match &self.log[(pos - g.history) as usize] {
                Entry::Added { txn } | Entry::Modified { txn } => {
                    put(&mut current, &mut order, txn.clone())
                }
                Entry::PostedBase { index, date } => {
                    put(&mut current, &mut order, g.posted(*index, *date))
                }
                Entry::Removed { transaction_id, .. } => {
                    current.remove(transaction_id);
                }
            }
        }
        order
            .into_iter()
            .filter_map(|id| current.remove(&id))
            .collect()
    }
}

/// A public token.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PublicToken {
    pub item_id: String,
    pub expires_at: DateTime<Utc>,
    pub used: bool,
}

/// A link token and what Link did with it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LinkToken {
    pub created_at: DateTime<Utc>,
    pub expiration: DateTime<Utc>,
    pub client_name: String,
    pub language: String,
    pub country_codes: Vec<String>,
    pub products: Vec<String>,
    pub webhook: Option<String>,
    /// `transactions.days_requested` (absent in state files written before it was honoured).
    #[serde(default)]
    pub days_requested: Option<u64>,
    pub redirect_uri: Option<String>,
    /// Update mode: the Item this token repairs.
    pub update_item_id: Option<String>,
    pub hosted_link_url: Option<String>,
    /// `update.account_selection_enabled` (update mode may share more accounts).
    #[serde(default)]
    pub account_selection_enabled: bool,
    /// `LinkTokenGetSessionsResponse` JSON of finished sessions.
    pub sessions: Vec<Value>,
}

/// The state file's format: 1 keys tokens by their hash (0 kept the tokens themselves).
const STATE_VERSION: u32 = 1;

/// Everything the sandbox remembers (this is the state file's content). Access and public
/// tokens are kept only as [`token_hash`]es: the sandbox has to recognise a token, never to
/// say it again, so the file holds nothing a caller could use.
#[derive(Debug, Serialize, Deserialize)]
pub struct State {
    /// Absent in files from before versions (0).
    #[serde(default)]
    pub version: u32,
    pub items: BTreeMap<String, Item>,
    /// [`token_hash`] of an access token → item id.
    pub access_tokens: HashMap<String, String>,
    /// [`token_hash`] of a public token → what it stands for.
    pub public_tokens: HashMap<String, PublicToken>,
    pub link_tokens: HashMap<String, LinkToken>,
    /// Items created so far (feeds the deterministic seeds).
    pub item_counter: u64,
}

impl State {
    /// The Item an access token designates: `INVALID_ACCESS_TOKEN` for unknown tokens,
    /// `ITEM_NOT_FOUND` for removed Items.
    pub fn item_mut(&mut self, access_token: &str) -> Result<&mut Item, ApiError> {
        let id = self
            .access_tokens
            .get(&token_hash(access_token))
            .ok_or_else(|| ApiError::code("INVALID_ACCESS_TOKEN"))?;
        let item = self
            .items
            .get_mut(id)
            .ok_or_else(|| ApiError::code("INVALID_ACCESS_TOKEN"))?;
        if item.removed {
            return Err(ApiError::code("ITEM_NOT_FOUND"));
        }
        Ok(item)
    }
}

impl Default for State {
    fn default() -> Self {
        State {
            version: STATE_VERSION,
            items: BTreeMap::new(),
            access_tokens: HashMap::new(),
            public_tokens: HashMap::new(),
            link_tokens: HashMap::new(),
            item_counter: 0,
        }
    }
}

impl State {
    /// Brings a state file written by an older version up to [`STATE_VERSION`].
    pub fn upgrade(&mut self) {
        if self.version < 1 {
            self.access_tokens = std::mem::take(&mut self.access_tokens)
                .into_iter()
                .map(|(token, item)| (token_hash(&token), item))
                .collect();
            self.public_tokens = std::mem::take(&mut self.public_tokens)
                .into_iter()
                .map(|(token, pt)| (token_hash(&token), pt))
                .collect();
        }
        self.version = STATE_VERSION;
    }
}

/// What the state keeps of a token: its SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// RFC 3339 with a `Z` suffix and whole seconds.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
