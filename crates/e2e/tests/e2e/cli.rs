//! The desktop app and the CLI on one data directory at the same time.

use std::process::Command;

use crate::app::{App, cli_binary};

/// 9. The CLI links a bank while the app runs: the app shows it without a restart.
#[tokio::test]
async fn a_link_made_by_the_cli_shows_up_in_the_running_app() {
    let app = App::start("cli").await;
    app.wait_text("No banks linked yet", 10).await;
    let out = Command::new(cli_binary())
        .args(["link", "--sandbox", "ins_109508"])
        .env("COFFER_HOME", app.data_dir())
        .output()
        .expect("run coffer-cli");
    assert!(
        out.status.success(),
        "coffer-cli link: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    app.wait_cards(1, 15).await;
    app.shot("1-linked-by-the-cli").await;
    let card = app.cards().await.remove(0);
    assert!(card.contains("First Platypus Bank"), "{card}");
    assert!(card.contains("Plaid Checking"), "{card}");
}
