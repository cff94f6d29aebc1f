//! The project benchmark (`cargo xtask bench [-- --rows N --list-rows N --skip-list]`).
//!
//! 1. Sync: a `plaid-sandbox` release binary runs as its own process (its memory is not ours)
//!    with `--history N`; Coffer links an Item and times `sync_transactions` → rows/s and the
//!    peak RSS growth of this process during the sync (Linux: `/proc/self/clear_refs` resets
//!    the high-water mark, `VmHWM` reads it).
//! 2. Baseline, same run: the synced rows (every column) are read back into memory and
//!    inserted into a fresh database with the same `transactions` table, its indexes and its
//!    full-text index (FTS tables over `transactions`, built by one `'rebuild'` after the loop;
//!    triggers not copied; foreign keys off) by one prepared INSERT in one transaction →
//!    rows/s. Target: sync ≥ 40 % of it. The same without the full-text index is printed too.
//! 3. `list_transactions` on a synthetic database of N rows (default 1,000,000): p50 / p95 of
//!    a 50-row page per filter shape. Target: p95 < 15 ms.
//! 4. The person's words on that database (100,000 edits with notes and categories, 33,334
//!    tags, 20,000 splits at a million rows): every shape again and the shapes on the
//!    person's data (category, tag, no transfers, a note). Target: p95 < 10 ms. Then 200
//!    rules: the preview over every row and the apply (one transaction, progress printed):
//!    times, no target.
//!
//! The sandbox binary comes from `COFFER_BENCH_SANDBOX` (set by xtask, which builds it) or
//! `target/release/plaid-sandbox`. Exit status is 0 when a target is missed (it is a
//! benchmark): misses are printed as FAIL.

#[path = "common/gen.rs"]
mod generator;
#[path = "common/report.rs"]
mod report;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use coffer_core::store::Store;
use coffer_core::{
    Coffer, CofferConfig, Credentials, MemoryVault, Mode, Secret, SyncStatus, TransactionFilter,
    Vault,
};
use report::{BenchResult, Row, verdict};
use rusqlite::types::Value;

const SYNC_RATIO_TARGET: f64 = 0.40;
const RSS_GROWTH_TARGET_MIB: f64 = 64.0;
const LIST_P95_TARGET: Duration = Duration::from_millis(15);
/// Issue 24: every shape with 100,000 edits and splits present.
const LIST_PERSONAL_P95_TARGET: Duration = Duration::from_millis(10);
const LIST_PAGE: u32 = 50;
const LIST_RUNS: usize = 100;

const CLIENT_ID: &str = "coffer-bench";
const SECRET: &str = "coffer-bench-secret";

struct Args {
    rows: usize,
    list_rows: u64,
    skip_list: bool,
}

fn parse_args() -> BenchResult<Args> {
    let mut args = Args {
        rows: 100_000,
        list_rows: 1_000_000,
        skip_list: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut num = |name: &str| -> BenchResult<u64> {
            let v = it.next().ok_or(format!("{name} needs a value"))?;
            let n: u64 = v
                .replace('_', "")
                .parse()
                .map_err(|_| format!("{name}: not a number: {v}"))?;
            if n == 0 {
                return Err(format!("{name} must be at least 1").into());
            }
            Ok(n)
        };
        match a.as_str() {
            "--rows" => args.rows = num("--rows")? as usize,
            "--list-rows" => args.list_rows = num("--list-rows")?,
            "--skip-list" => args.skip_list = true,
            "--" => {}
            "-h" | "--help" => {
                println!(
                    "usage: bench [--rows N (100000)] [--list-rows N (1000000)] [--skip-list]"
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?} (try --help)").into()),
        }
    }
    Ok(args)
}

// ---------------------------------------------------------------- the sandbox process

/// A running `plaid-sandbox`; killed when dropped (also on an error or a panic).
struct SandboxProcess {
    child: Child,
    url: String,
}

impl SandboxProcess {
    fn start(bin: &Path, history: usize) -> BenchResult<SandboxProcess> {
        let mut child = Command::new(bin)
            .args(["--bind", "127.0.0.1:0", "--history", &history.to_string()])
            .args(["--client-id", CLIENT_ID])
            .env("PLAID_SANDBOX_SECRET", SECRET)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", bin.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        // From here on, dropping `proc` kills the child.
        let mut proc = SandboxProcess {
            child,
            url: String::new(),
        };
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        proc.url = line
            .trim()
            .strip_prefix("plaid-sandbox listening on ")
            .ok_or_else(|| format!("unexpected first line from plaid-sandbox: {line:?}"))?
            .to_string();
        Ok(proc)
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sandbox_binary() -> BenchResult<PathBuf> {
    if let Some(p) = std::env::var_os("COFFER_BENCH_SANDBOX") {
        return Ok(PathBuf::from(p));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let p = target
        .join("release")
        .join(format!("plaid-sandbox{}", std::env::consts::EXE_SUFFIX));
    if !p.is_file() {
        return Err(format!(
            "{} not found: run `cargo xtask bench`, or `cargo build --release -p coffer-sandbox \
             --bin plaid-sandbox` first, or set COFFER_BENCH_SANDBOX",
            p.display()
        )
        .into());
    }
    Ok(p)
}

// ---------------------------------------------------------------- memory

/// `VmRSS` / `VmHWM` of this process in bytes (Linux), from `/proc/self/status`.
fn proc_status(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: u64 = line[field.len()..]
        .trim()
        .trim_start_matches(':')
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

/// Resets the peak-RSS mark (`VmHWM`) to the current RSS. False where not supported.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// User + system CPU time of a process (Linux, `/proc/PID/stat`), assuming 100 ticks/s.
fn cpu_time(pid: String) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

// ---------------------------------------------------------------- results

fn rate(rows: u64, d: Duration) -> f64 {
    rows as f64 / d.as_secs_f64()
}

fn fmt_rate(r: f64) -> String {
    let r = r.round() as u64;
    let s = r.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

// ---------------------------------------------------------------- 1. sync

struct SyncFigures {
    rows: u64,
    elapsed: Duration,
    db: PathBuf,
}

async fn bench_sync(args: &Args, home: &Path, summary: &mut Vec<Row>) -> BenchResult<SyncFigures> {
    let bin = sandbox_binary()?;
    println!("sync: starting {} --history {}", bin.display(), args.rows);
    let sandbox = SandboxProcess::start(&bin, args.rows)?;
    println!(
        "sync: plaid-sandbox at {} (pid {})",
        sandbox.url,
        sandbox.child.id()
    );
    let vault = Arc::new(MemoryVault::default());
    let coffer = Coffer::open_at(CofferConfig {
        home: home.to_path_buf(),
        mode: Mode::Offline,
        base_url: sandbox.url.clone(),
        credentials: Credentials {
            client_id: CLIENT_ID.into(),
            secret: Secret::new(SECRET),
        },
        vault: vault.clone(),
    })
    .await?;
    let link = coffer
        .sandbox_quick_link("ins_109508", "user_good", "pass_good")
        .await?
        .link_id;

    let rss_before = proc_status("VmRSS");
    let peak_reset = reset_peak_rss();
    let t = Instant::now();
    let reports = coffer.sync_transactions(Some(link), None).await?;
    let elapsed = t.elapsed();
    let hwm_after = proc_status("VmHWM");
    let rss_after = proc_status("VmRSS");

    let report = reports.first().ok_or("no sync report")?;
    if report.status != SyncStatus::Updated {
        return Err(format!("sync did not complete: {report:?}").into());
    }
    // The stored rows, two ways; a broken sync must not look fast.
    let stored: u64 = coffer.store().read(|c| {
        Ok(c.query_row("SELECT count(*) FROM transactions", [], |r| {
            r.get::<_, i64>(0)
        })? as u64)
    })?;
    let listed = coffer
        .store()
        .list_transactions(&TransactionFilter::default(), 1, 0)?
        .total;
    if stored == 0 || stored != listed {
        return Err(
            format!("sync stored {stored} rows but list_transactions reports {listed}").into(),
        );
    }
    let expected_min = (args.rows as u64) * 9 / 10;
    if stored < expected_min {
        return Err(format!(
            "sync stored only {stored} rows of an Item with {} transactions",
            args.rows
        )
        .into());
    }
    // The sync started merging the search index in the background (`settle_search_after`):
    // finished here (waiting for it), so that it runs during none of the measurements below.
    let t = Instant::now();
    let steps = coffer.store().settle_search()?;
    println!(
        "sync: search index merge after the sync finished ({steps} step(s) left here, {:.2?})",
        t.elapsed()
    );
    let applied = report.added + report.modified + report.removed;
    println!(
        "sync: {} page(s), +{} ~{} -{} ({applied} rows applied), {stored} rows stored, \
         {} restart(s), in {:.2?}",
        report.pages, report.added, report.modified, report.removed, report.restarts, elapsed
    );
    let sync_rate = rate(stored, elapsed);
    summary.push(Row {
        what: format!("sync {stored} rows (rows stored / s)"),
        figure: format!("{} rows/s ({:.2?})", fmt_rate(sync_rate), elapsed),
        target: "-".into(),
        pass: None,
    });
    match (rss_before, hwm_after, peak_reset) {
        (Some(before), Some(peak), true) => {
            let growth = peak.saturating_sub(before);
            println!(
                "sync: RSS before {:.1} MiB, peak during sync {:.1} MiB, after {:.1} MiB; \
                 peak growth {:.1} MiB",
                mib(before),
                mib(peak),
                mib(rss_after.unwrap_or(0)),
                mib(growth)
            );
            summary.push(Row {
                what: "sync peak RSS growth (VmHWM - VmRSS before)".into(),
                figure: format!(
                    "{:.1} MiB ({:.1} -> {:.1} MiB)",
                    mib(growth),
                    mib(before),
                    mib(peak)
                ),
                target: format!("< {RSS_GROWTH_TARGET_MIB:.0} MiB"),
                pass: Some(mib(growth) < RSS_GROWTH_TARGET_MIB),
            });
        }
        _ => {
            println!("sync: peak RSS not measurable on this platform");
            summary.push(Row {
                what: "sync peak RSS growth".into(),
                figure: "n/a (needs Linux /proc)".into(),
                target: format!("< {RSS_GROWTH_TARGET_MIB:.0} MiB"),
                pass: None,
            });
        }
    }
    // Where the time goes: the same Item paged through again by a bare HTTP loop (no
    // SQLite), timing the sandbox + HTTP and, separately, the client's JSON decoding.
    let item_id: String = coffer.store().read(|c| {
        Ok(
            c.query_row("SELECT item_id FROM links WHERE id = ?1", [link], |r| {
                r.get(0)
            })?,
        )
    })?;
    let token = vault
        .load(&coffer_core::vault::item_key(Mode::Offline, &item_id))?
        .ok_or("no access token in the vault")?;
    let floor = fetch_floor(&sandbox.url, token.expose()).await?;
    println!(
        "sync: floor (same Item, bare HTTP loop, no SQLite): {} pages, {} rows: sandbox + HTTP \
         {:.2?} ({} rows/s), JSON decode into coffer-plaid types {:.2?} ({} rows/s)",
        floor.pages,
        floor.rows,
        floor.http,
        fmt_rate(rate(floor.rows, floor.http)),
        floor.decode,
        fmt_rate(rate(floor.rows, floor.decode)),
    );
    summary.push(Row {
        what: "  of which: sandbox + HTTP alone (bare loop)".into(),
        figure: format!(
            "{} rows/s ({:.2?})",
            fmt_rate(rate(floor.rows, floor.http)),
            floor.http
        ),
        target: "-".into(),
        pass: None,
    });
    summary.push(Row {
        what: "  of which: JSON decode alone".into(),
        figure: format!(
            "{} rows/s ({:.2?})",
            fmt_rate(rate(floor.rows, floor.decode)),
            floor.decode
        ),
        target: "-".into(),
        pass: None,
    });
    if let (Some(ours), Some(theirs)) = (
        cpu_time("self".into()),
        cpu_time(sandbox.child.id().to_string()),
    ) {
        println!(
            "sync: CPU time over the whole run so far: coffer {ours:.2?}, plaid-sandbox {theirs:.2?}"
        );
    }
    let db = coffer.store().path().to_path_buf();
    drop(coffer);
    drop(sandbox);
    Ok(SyncFigures {
        rows: stored,
        elapsed,
        db,
    })
}

struct Floor {
    pages: u32,
    rows: u64,
    http: Duration,
    decode: Duration,
}

/// Pages through `/transactions/sync` from the start with a plain HTTP client: the time the
/// sandbox and the loopback HTTP take (bytes only), and the time decoding them takes.
async fn fetch_floor(url: &str, access_token: &str) -> BenchResult<Floor> {
    let http = reqwest::Client::new();
    let mut floor = Floor {
        pages: 0,
        rows: 0,
        http: Duration::ZERO,
        decode: Duration::ZERO,
    };
    let mut cursor: Option<String> = None;
    loop {
        let mut body = serde_json::json!({
            "client_id": CLIENT_ID,
            "secret": SECRET,
            "access_token": access_token,
            "count": coffer_core::SYNC_PAGE_SIZE,
        });
        if let Some(c) = &cursor {
            body["cursor"] = c.as_str().into();
        }
        let t = Instant::now();
        let resp = http
            .post(format!("{url}/transactions/sync"))
            .json(&body)
            .send()
            .await?;
        if !resp.status().is_success() {
            return Err(format!("/transactions/sync: {}", resp.status()).into());
        }
        let bytes = resp.bytes().await?;
        floor.http += t.elapsed();
        let t = Instant::now();
        let page: coffer_plaid::TransactionsSyncResponse = serde_json::from_slice(&bytes)?;
        floor.decode += t.elapsed();
        floor.pages += 1;
        floor.rows += (page.added.len() + page.modified.len() + page.removed.len()) as u64;
        if !page.has_more {
            return Ok(floor);
        }
        cursor = Some(page.next_cursor);
    }
}

// ---------------------------------------------------------------- 2. baseline

/// The synced rows (every column, in rowid order) and the schema the baselines need.
struct Synced {
    columns: Vec<String>,
    rows: Vec<Vec<Value>>,
    /// `CREATE` statements of the `transactions` table and its indexes.
    table: Vec<(String, String)>,
    /// Full-text indexes over `transactions` (FTS virtual tables whose content is that table).
    search: Vec<(String, String)>,
}

/// Whether `word` occurs in `sql` as a whole identifier.
fn mentions(sql: &str, word: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    sql.match_indices(word).any(|(i, _)| {
        !sql[..i].chars().next_back().is_some_and(ident)
            && !sql[i + word.len()..].chars().next().is_some_and(ident)
    })
}

fn read_synced(db: &Path) -> BenchResult<Synced> {
    let src =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let master: Vec<(String, String, String, String)> = {
        let mut st = src.prepare(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid",
        )?;
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?
    };
    let mut table: Vec<(String, String)> = master
        .iter()
        .filter(|(k, _, t, _)| k == "table" && t == "transactions")
        .map(|(_, n, _, sql)| (n.clone(), sql.clone()))
        .collect();
    if table.is_empty() {
        return Err("the synced database has no transactions table".into());
    }
    table.extend(
        master
            .iter()
            .filter(|(k, _, t, _)| k == "index" && t == "transactions")
            .map(|(_, n, _, sql)| (n.clone(), sql.clone())),
    );
    let search = master
        .iter()
        .filter(|(k, n, _, sql)| {
            let upper = sql.to_ascii_uppercase();
            k == "table"
                && n != "transactions"
                && upper.starts_with("CREATE VIRTUAL TABLE")
                && (upper.contains("USING FTS5") || upper.contains("USING FTS4"))
                && mentions(sql, "transactions")
        })
        .map(|(_, n, _, sql)| (n.clone(), sql.clone()))
        .collect();
    let columns: Vec<String> = {
        let mut st =
            src.prepare("SELECT name FROM pragma_table_info('transactions') ORDER BY cid")?;
        st.query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    let rows: Vec<Vec<Value>> = {
        let mut st = src.prepare(&format!(
            "SELECT {} FROM transactions ORDER BY rowid",
            columns.join(", ")
        ))?;
        let n = columns.len();
        st.query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect())?
            .collect::<rusqlite::Result<_>>()?
    };
    Ok(Synced {
        columns,
        rows,
        table,
        search,
    })
}

/// Inserts the synced rows into a fresh database with the `transactions` table and its
/// indexes by one prepared INSERT in one transaction; with `search`, the full-text index is
/// created too and built in that transaction, after the loop, by one `'rebuild'` (the
/// cheapest way to the same database). Triggers are not copied. Returns the time.
fn bench_baseline(synced: &Synced, path: &Path, search: bool) -> BenchResult<Duration> {
    let mut db = rusqlite::Connection::open(path)?;
    // The store's durability settings (WAL, synchronous NORMAL); foreign keys off (no
    // accounts here); everything else SQLite's defaults.
    let _: String = db.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    db.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF;")?;
    for (_, sql) in &synced.table {
        db.execute_batch(sql)?;
    }
    if search {
        for (_, sql) in &synced.search {
            db.execute_batch(sql)?;
        }
    }
    let marks = vec!["?"; synced.columns.len()].join(", ");
    let insert = format!(
        "INSERT INTO transactions ({}) VALUES ({marks})",
        synced.columns.join(", ")
    );

    let t = Instant::now();
    let tx = db.transaction()?;
    {
        let mut st = tx.prepare(&insert)?;
        for row in &synced.rows {
            st.execute(rusqlite::params_from_iter(row.iter()))?;
        }
    }
    if search {
        for (name, _) in &synced.search {
            tx.execute_batch(&format!("INSERT INTO {name}({name}) VALUES ('rebuild')"))?;
        }
    }
    tx.commit()?;
    let elapsed = t.elapsed();

    let n: i64 = db.query_row("SELECT count(*) FROM transactions", [], |r| r.get(0))?;
    if n as usize != synced.rows.len() {
        return Err(format!("baseline stored {n} of {} rows", synced.rows.len()).into());
    }
    if search {
        // The index really holds the rows: the first row's text finds at least that row.
        let probe: Option<String> = db
            .query_row(
                "SELECT substr(search_text, 1, 3) FROM transactions
                 WHERE length(search_text) >= 3 AND search_text GLOB '[a-z][a-z][a-z]*' LIMIT 1",
                [],
                |r| r.get(0),
            )
            .ok();
        for (name, _) in &synced.search {
            if let Some(p) = &probe {
                let hits: i64 = db.query_row(
                    &format!("SELECT count(*) FROM {name} WHERE {name} MATCH ?1"),
                    [format!("\"{p}\"")],
                    |r| r.get(0),
                )?;
                if hits == 0 {
                    return Err(format!("baseline: {name} finds nothing for {p:?}").into());
                }
            }
        }
    }
    Ok(elapsed)
}

// ---------------------------------------------------------------- 3. list_transactions

fn bench_list(rows: u64, dir: &Path, summary: &mut Vec<Row>) -> BenchResult<()> {
    let store = Store::open(dir.join("list.db"))?;
    println!("list: generating {rows} rows ...");
    let t = Instant::now();
    let accounts = generator::populate(&store, rows)?;
    println!("list: generated in {:.2?}", t.elapsed());
    println!("list: {LIST_PAGE}-row pages, {LIST_RUNS} runs per shape (after 5 warm-up)");
    list_shapes(
        &store,
        generator::shapes(&accounts),
        "",
        LIST_P95_TARGET,
        summary,
    )?;

    // 4. The person's words present: the same shapes, and those on the person's data.
    let t = Instant::now();
    let (edits, tags, splits) = generator::add_personal(&store, rows)?;
    println!(
        "personal: {edits} edits, {tags} tags, {splits} splits written in {:.2?}",
        t.elapsed()
    );
    let mut shapes = generator::shapes(&accounts);
    shapes.extend(generator::personal_shapes(&accounts));
    list_shapes(
        &store,
        shapes,
        " (with edits)",
        LIST_PERSONAL_P95_TARGET,
        summary,
    )?;
    bench_rules(&store, rows, summary)
}

/// 200 rules applied to every row: the preview, then the apply (one transaction), with the
/// progress it reports.
fn bench_rules(store: &Store, rows: u64, summary: &mut Vec<Row>) -> BenchResult<()> {
    let n = generator::add_rules(store)?;
    let t = Instant::now();
    let preview = store.preview_rules(None)?;
    let previewed = t.elapsed();
    println!(
        "rules: {n} rules, preview over {} rows: {} would change, in {previewed:.2?}",
        preview.checked, preview.changed
    );
    let t = Instant::now();
    let last = std::sync::Mutex::new(Instant::now());
    let report = |p: coffer_core::RulesProgress| {
        let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
        if last.elapsed() >= Duration::from_secs(1) || p.done == p.total {
            println!(
                "rules: apply {:>3} % ({} / {})",
                p.done * 100 / p.total.max(1),
                p.done,
                p.total
            );
            *last = Instant::now();
        }
    };
    let applied = store.apply_rules(None, &preview.revision, Some(&report))?;
    let elapsed = t.elapsed();
    println!(
        "rules: applied to {} rows ({} changed) in {elapsed:.2?}",
        applied.checked, applied.changed
    );
    if applied.changed != preview.changed || applied.checked != rows {
        return Err(format!(
            "rules: applied {} of {} rows, the preview said {} of {}",
            applied.changed, applied.checked, preview.changed, preview.checked
        )
        .into());
    }
    summary.push(Row {
        what: format!("{n} rules: preview over {rows} rows"),
        figure: format!("{previewed:.2?} ({} would change)", preview.changed),
        target: "-".into(),
        pass: None,
    });
    summary.push(Row {
        what: format!("{n} rules: apply to {rows} rows (one transaction)"),
        figure: format!("{elapsed:.2?} ({} changed)", applied.changed),
        target: "-".into(),
        pass: None,
    });
    Ok(())
}

/// p50 / p95 of a page per filter shape.
fn list_shapes(
    store: &Store,
    shapes: Vec<(&'static str, coffer_core::TransactionFilter, &'static [u64])>,
    label: &str,
    target: Duration,
    summary: &mut Vec<Row>,
) -> BenchResult<()> {
    for (name, filter, offsets) in shapes {
        let mut times = Vec::with_capacity(LIST_RUNS);
        let mut total = 0;
        for i in 0..(LIST_RUNS + 5) {
            let offset = offsets[i % offsets.len()];
            let t = Instant::now();
            let page = store.list_transactions(&filter, LIST_PAGE, offset)?;
            let d = t.elapsed();
            if i >= 5 {
                times.push(d);
            }
            total = page.total;
        }
        times.sort();
        let p50 = times[times.len() / 2];
        let p95 = times[(times.len() * 95).div_ceil(100) - 1];
        let pass = p95 < target;
        println!(
            "list{label}: {name:>24}: total {total:>8}  p50 {:>9}  p95 {:>9}  max {:>9}  {}",
            ms(p50),
            ms(p95),
            ms(times[times.len() - 1]),
            verdict(Some(pass))
        );
        summary.push(Row {
            what: format!("list_transactions p95{label}, {name} ({total} match)"),
            figure: format!("p95 {} (p50 {})", ms(p95), ms(p50)),
            target: format!("< {}", ms(target)),
            pass: Some(pass),
        });
    }
    Ok(())
}

// ---------------------------------------------------------------- main

async fn run(args: &Args, dir: &Path, summary: &mut Vec<Row>) -> BenchResult<()> {
    let sync = bench_sync(args, &dir.join("home"), summary).await?;
    let synced = read_synced(&sync.db)?;
    let rows = synced.rows.len() as u64;
    let sync_rate = rate(sync.rows, sync.elapsed);
    let names = |v: &[(String, String)]| {
        v.iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    // The reference: the same tables and indexes the sync fills, the search index included.
    // Without the search index (when there is one): for information.
    let mut variants = vec![("baseline", names(&synced.table), true)];
    if !synced.search.is_empty() {
        variants[0].1 = format!(
            "{}, {} (rebuilt after the loop)",
            names(&synced.table),
            names(&synced.search)
        );
        variants.push(("baseline w/o search index", names(&synced.table), false));
    }
    for (i, (label, objects, search)) in variants.into_iter().enumerate() {
        let elapsed = bench_baseline(&synced, &dir.join(format!("baseline{i}.db")), search)?;
        let base_rate = rate(rows, elapsed);
        let ratio = sync_rate / base_rate;
        println!(
            "{label}: {rows} rows in {elapsed:.2?} = {} rows/s into [{objects}]; sync = {:.1} % of it",
            fmt_rate(base_rate),
            ratio * 100.0
        );
        summary.push(Row {
            what: format!("{label}: insert loop, {rows} rows"),
            figure: format!("{} rows/s ({elapsed:.2?})", fmt_rate(base_rate)),
            target: "-".into(),
            pass: None,
        });
        summary.push(Row {
            what: format!("sync throughput / {label}"),
            figure: format!("{:.1} %", ratio * 100.0),
            target: if i == 0 {
                format!(">= {:.0} %", SYNC_RATIO_TARGET * 100.0)
            } else {
                "(info)".into()
            },
            pass: (i == 0).then_some(ratio >= SYNC_RATIO_TARGET),
        });
    }
    drop(synced);
    if args.skip_list {
        println!("list: skipped (--skip-list)");
    } else {
        bench_list(args.list_rows, dir, summary)?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    report::main(
        "bench",
        "coffer bench summary",
        parse_args,
        |args, dir| async move {
            let mut summary = Vec::new();
            let outcome = run(&args, &dir, &mut summary).await;
            (summary, outcome)
        },
    )
    .await
}
