//! What the benchmarks share (`#[path]`-included): the summary table and `main`'s frame.

use std::future::Future;
use std::path::PathBuf;
use std::process::ExitCode;

pub type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

/// A line of the summary: a figure, its target, and whether it was met (`None`: information).
pub struct Row {
    pub what: String,
    pub figure: String,
    pub target: String,
    pub pass: Option<bool>,
}

pub fn verdict(pass: Option<bool>) -> &'static str {
    match pass {
        Some(true) => "PASS",
        Some(false) => "FAIL",
        None => "-",
    }
}

pub fn print_summary(title: &str, summary: &[Row]) {
    let w0 = summary.iter().map(|r| r.what.len()).max().unwrap_or(0);
    let w1 = summary.iter().map(|r| r.figure.len()).max().unwrap_or(0);
    let w2 = summary.iter().map(|r| r.target.len()).max().unwrap_or(0);
    println!("\n==== {title} ====");
    for r in summary {
        println!(
            "{:<w0$}  {:>w1$}  {:>w2$}  {}",
            r.what,
            r.figure,
            r.target,
            verdict(r.pass)
        );
    }
    let failed = summary.iter().filter(|r| r.pass == Some(false)).count();
    if failed == 0 {
        println!("all targets met");
    } else {
        println!("FAIL: {failed} target(s) missed");
    }
}

/// Parses the arguments, runs the benchmark in a fresh temporary directory and prints its
/// summary, also after an error. Exit status 2: bad arguments; 1: the benchmark could not run
/// (a missed target is printed as FAIL, not an error).
pub async fn main<A, F, Fut>(
    name: &str,
    title: &str,
    parse: impl FnOnce() -> BenchResult<A>,
    run: F,
) -> ExitCode
where
    F: FnOnce(A, PathBuf) -> Fut,
    Fut: Future<Output = (Vec<Row>, BenchResult<()>)>,
{
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{name}: {e}");
            return ExitCode::from(2);
        }
    };
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{name}: no temp dir: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (summary, outcome) = run(args, dir.path().to_path_buf()).await;
    print_summary(title, &summary);
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{name}: error: {e}");
            ExitCode::FAILURE
        }
    }
}
