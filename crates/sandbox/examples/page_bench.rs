//! Times serving `/transactions/sync`: starts a sandbox in-process with a large history, links an
//! Item and pages through it with a bare HTTP client (no JSON decoding of the pages).
//!
//! `cargo run --release -p coffer-sandbox --example page_bench -- [HISTORY] [COUNT] [ROUNDS]`
//! (defaults 100000, 500, 3). Prints the best and median time of a full pass per round.

use std::time::{Duration, Instant};

use coffer_sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};

type BenchResult<T> = std::result::Result<T, Box<dyn std::error::Error>>;

async fn post(http: &reqwest::Client, base: &str, path: &str, body: Value) -> BenchResult<Vec<u8>> {
    let resp = http
        .post(format!("{base}{path}"))
        .header("PLAID-CLIENT-ID", "bench")
        .header("PLAID-SECRET", "bench-secret")
        .json(&body)
        .send()
        .await?;
    let status = resp.status();
    let bytes = resp.bytes().await?.to_vec();
    if !status.is_success() {
        return Err(format!("{path}: {status}: {}", String::from_utf8_lossy(&bytes)).into());
    }
    Ok(bytes)
}

/// Reads the value of `"next_cursor"` and `"has_more"` from a raw page without parsing it all.
fn tail_fields(page: &[u8]) -> BenchResult<(String, bool)> {
    let text = std::str::from_utf8(page)?;
    let at = text
        .rfind("\"next_cursor\":\"")
        .ok_or("no next_cursor in page")?;
    let rest = &text[at + "\"next_cursor\":\"".len()..];
    let end = rest.find('"').ok_or("unterminated next_cursor")?;
    let has_more = text.contains("\"has_more\":true");
    Ok((rest[..end].to_string(), has_more))
}

#[tokio::main]
async fn main() -> BenchResult<()> {
    let mut args = std::env::args().skip(1);
    let history: usize = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(100_000);
    let count: u32 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(500);
    let rounds: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(3);
    let config = SandboxConfig {
        history,
        seed: 7,
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start("127.0.0.1:0".parse()?, config).await?;
    let base = sandbox.url();
    let http = reqwest::Client::new();
    let pt: Value = serde_json::from_slice(
        &post(
            &http,
            &base,
            "/sandbox/public_token/create",
            json!({"institution_id": "ins_109508", "initial_products": ["transactions"]}),
        )
        .await?,
    )?;
    let ex: Value = serde_json::from_slice(
        &post(
            &http,
            &base,
            "/item/public_token/exchange",
            json!({"public_token": pt["public_token"]}),
        )
        .await?,
    )?;
    let token = ex["access_token"]
        .as_str()
        .ok_or("no access_token")?
        .to_string();
    let mut times: Vec<Duration> = Vec::new();
    for round in 0..rounds {
        let started = Instant::now();
        let mut cursor = String::new();
        let (mut pages, mut bytes) = (0usize, 0usize);
        loop {
            let page = post(
                &http,
                &base,
                "/transactions/sync",
                json!({"access_token": token, "cursor": cursor, "count": count}),
            )
            .await?;
            pages += 1;
            bytes += page.len();
            let (next, more) = tail_fields(&page)?;
            cursor = next;
            if !more {
                break;
            }
        }
        let took = started.elapsed();
        println!(
            "round {round}: {pages} pages, {:.1} MB in {took:.2?} ({:.0} rows/s)",
            bytes as f64 / 1e6,
            history as f64 / took.as_secs_f64()
        );
        times.push(took);
    }
    times.sort();
    println!(
        "history {history}, count {count}: best {:.2?}, median {:.2?}",
        times[0],
        times[times.len() / 2]
    );
    sandbox.shutdown().await;
    Ok(())
}
