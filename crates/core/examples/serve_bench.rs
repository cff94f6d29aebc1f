//! The local REST API benchmark (`cargo xtask bench` runs it after the desktop one, on a
//! release `coffer-cli`, inside a private D-Bus session with an unlocked keyring).
//!
//! A real `coffer-cli serve` process in offline mode on a data directory holding N generated
//! transactions (default 1,000,000, the core benchmark's generator) in 8 accounts, driven over
//! loopback HTTP by this process with a bearer token:
//!
//! 1. `POST /api/v1/banking/link-token` with `{ "use_cache": true }`: requests per second
//!    with 4 clients at once (after the first, which asks Plaid, every answer is the cached
//!    token: bearer check, SQLite lookup, JSON). Information, no target.
//! 2. `GET /api/v1/banking/transactions`: p95 of a 100-row page per filter shape, end to end
//!    (HTTP, token check, `list_transactions`, JSON). Target < 100 ms, the desktop's
//!    end-to-end target for the same query.
//!
//! Binary: `COFFER_BENCH_CLI` (xtask builds and sets it). Misses print FAIL; the exit status is
//! non-zero only when the benchmark could not run.

#[path = "common/gen.rs"]
mod generator;
#[path = "common/report.rs"]
mod report;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use coffer_core::store::Store;
use report::{BenchResult, Row, verdict};
use serde_json::{Value, json};

const PAGE_P95_TARGET_MS: f64 = 100.0;
const CLIENTS: usize = 4;
const WARMUP: usize = 5;

struct Args {
    rows: u64,
    requests: usize,
    samples: usize,
}

fn parse_args() -> BenchResult<Args> {
    let mut args = Args {
        rows: 1_000_000,
        requests: 4000,
        samples: 60,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| -> BenchResult<usize> {
            it.next()
                .and_then(|v| v.parse().ok())
                .filter(|v| *v > 0)
                .ok_or_else(|| format!("{name} needs a positive number").into())
        };
        match a.as_str() {
            "--rows" => args.rows = value("--rows")? as u64,
            "--requests" => args.requests = value("--requests")?,
            "--samples" => args.samples = value("--samples")?,
            "--help" | "-h" => {
                println!("serve_bench [--rows N] [--requests N] [--samples N]");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    Ok(args)
}

/// `coffer-cli serve` on a free loopback port.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn cli(bin: &Path, home: &Path) -> Command {
    let mut cmd = Command::new(bin);
    cmd.env("COFFER_HOME", home)
        .env_remove("PLAID_CLIENT_ID")
        .env_remove("PLAID_SECRET")
        .env_remove("PLAID_ENV");
    cmd
}

fn start(bin: &Path, home: &Path) -> BenchResult<(Server, String)> {
    let out = cli(bin, home)
        .args(["--json", "serve", "token", "create", "--name", "bench"])
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "serve token create failed: {}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    let token = serde_json::from_slice::<Value>(&out.stdout)?["token"]
        .as_str()
        .ok_or("no token in the output of serve token create")?
        .to_string();
    let mut child = cli(bin, home)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().ok_or("no stdout")?).read_line(&mut line)?;
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .ok_or_else(|| format!("unexpected first line from serve: {line:?}"))?
        .to_string();
    Ok((Server { child, url }, token))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn link_tokens(
    http: &reqwest::Client,
    server: &Server,
    token: &str,
    requests: usize,
    summary: &mut Vec<Row>,
) -> BenchResult<()> {
    let url = format!("{}/api/v1/banking/link-token", server.url);
    let one = |http: reqwest::Client, url: String, token: String| async move {
        let r = http
            .post(&url)
            .bearer_auth(&token)
            .json(&json!({ "use_cache": true }))
            .send()
            .await?;
        if !r.status().is_success() {
            return Err(format!("link-token answered {}: {}", r.status(), r.text().await?).into());
        }
        r.json::<Value>().await?;
        BenchResult::Ok(())
    };
    // The first asks Plaid and fills the cache.
    one(http.clone(), url.clone(), token.to_string()).await?;
    let started = Instant::now();
    let per_client = requests.div_ceil(CLIENTS);
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (http, url, token) = (http.clone(), url.clone(), token.to_string());
        tasks.push(tokio::spawn(async move {
            for _ in 0..per_client {
                one(http.clone(), url.clone(), token.clone())
                    .await
                    .map_err(|e| e.to_string())?;
            }
            Ok::<(), String>(())
        }));
    }
    for t in tasks {
        t.await?
            .map_err(|e| -> Box<dyn std::error::Error> { e.into() })?;
    }
    let elapsed = started.elapsed();
    let done = per_client * CLIENTS;
    let rate = done as f64 / elapsed.as_secs_f64();
    println!(
        "serve: link-token (use_cache) {done} requests, {CLIENTS} clients, in {elapsed:.2?} = {rate:.0} requests/s"
    );
    summary.push(Row {
        what: format!("API link-token, use_cache, {CLIENTS} clients"),
        figure: format!("{rate:.0} requests/s"),
        target: "(info)".into(),
        pass: None,
    });
    Ok(())
}

async fn pages(
    http: &reqwest::Client,
    server: &Server,
    token: &str,
    rows: u64,
    samples: usize,
    summary: &mut Vec<Row>,
) -> BenchResult<()> {
    let shapes: [(&str, &[&str]); 5] = [
        ("newest page", &["limit=100"]),
        ("offset 5000", &["limit=100", "offset=5000"]),
        ("1 account", &["limit=100", "account_ids=acct3"]),
        (
            "one month",
            &["limit=100", "from=2023-03-01", "to=2023-03-31"],
        ),
        ("search (uber)", &["limit=100", "search=uber"]),
    ];
    for (name, query) in shapes {
        let url = format!(
            "{}/api/v1/banking/transactions?{}",
            server.url,
            query.join("&")
        );
        let mut times = Vec::with_capacity(samples);
        let mut total = 0;
        for i in 0..(samples + WARMUP) {
            let t = Instant::now();
            let r = http.get(&url).bearer_auth(token).send().await?;
            if !r.status().is_success() {
                return Err(format!("{url} answered {}: {}", r.status(), r.text().await?).into());
            }
            let page: Value = r.json().await?;
            let d = t.elapsed();
            if i >= WARMUP {
                times.push(ms(d));
            }
            total = page["total"].as_u64().unwrap_or_default();
        }
        times.sort_by(f64::total_cmp);
        let p50 = times[times.len() / 2];
        let p95 = times[(times.len() * 95).div_ceil(100) - 1];
        let pass = p95 < PAGE_P95_TARGET_MS;
        println!(
            "serve: transactions {name:>14}: total {total:>8}  p50 {p50:>7.1} ms  p95 {p95:>7.1} ms  {}",
            verdict(Some(pass))
        );
        summary.push(Row {
            what: format!("API transactions page p95 at {rows} rows, {name} ({total} match)"),
            figure: format!("p95 {p95:.1} ms (p50 {p50:.1} ms)"),
            target: format!("< {PAGE_P95_TARGET_MS:.0} ms"),
            pass: Some(pass),
        });
    }
    Ok(())
}

async fn run(args: &Args, dir: &Path, summary: &mut Vec<Row>) -> BenchResult<()> {
    let bin: PathBuf = std::env::var_os("COFFER_BENCH_CLI")
        .map(PathBuf::from)
        .ok_or("COFFER_BENCH_CLI is not set (run `cargo xtask bench`)")?;
    let home = dir.join("home");
    {
        println!("serve: generating {} rows ...", args.rows);
        let t = Instant::now();
        let store = Store::open(home.join("offline").join("coffer.db"))?;
        generator::populate(&store, args.rows)?;
        println!("serve: generated in {:.2?}", t.elapsed());
    }
    let (server, token) = start(&bin, &home)?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()?;
    link_tokens(&http, &server, &token, args.requests, summary).await?;
    pages(&http, &server, &token, args.rows, args.samples, summary).await?;
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    report::main(
        "serve_bench",
        "coffer serve bench summary",
        parse_args,
        |args, dir| async move {
            let mut summary = Vec::new();
            let outcome = run(&args, &dir, &mut summary).await;
            (summary, outcome)
        },
    )
    .await
}
