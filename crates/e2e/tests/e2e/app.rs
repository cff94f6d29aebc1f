//! Starting the app on a fresh data directory.

use std::path::PathBuf;

use coffer_webdriver::Browser;

/// The desktop binary under test.
pub fn binary() -> PathBuf {
    std::env::var_os("COFFER_DESKTOP_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/debug/coffer")
        })
}

/// A running app and its data directory.
pub struct App {
    pub browser: Browser,
    pub home: tempfile::TempDir,
}

impl App {
    pub async fn start() -> App {
        let home = tempfile::tempdir().expect("temp home");
        let browser = Browser::start_app(
            &binary(),
            &[("COFFER_HOME", home.path().as_os_str())],
            false,
        )
        .await;
        App { browser, home }
    }
}

#[tokio::test]
async fn first_run_shows_the_empty_state() {
    let app = App::start().await;
    let text = app
        .browser
        .wait(
            "the empty state",
            "return document.body.innerText.includes('No banks linked yet') ? document.body.innerText : null",
        )
        .await;
    let shot = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e-screenshots");
    std::fs::create_dir_all(&shot).expect("dir");
    app.browser.screenshot(&shot.join("first-run.png")).await;
    assert!(text.to_string().contains("No banks linked yet"), "{text}");
    assert!(
        app.home.path().join("offline").join("coffer.db").is_file(),
        "the app opened its data directory"
    );
}
