//! The app as a package installs it: `cargo xtask test` builds the `.deb`, installs it with
//! `apt-get` and runs this test against `/usr/bin/coffer` (`COFFER_DESKTOP_BIN`), then removes
//! the package. Ignored by a plain `cargo test`: it needs the package installed.
//!
//! The installed app finds no source tree: it runs from a directory outside the checkout, its
//! UI comes from inside the binary, its offline sandbox starts in-process, and its data goes
//! to the fresh data directory it is given (`COFFER_HOME`).

#[allow(
    dead_code,
    reason = "the desktop tests' app and steps, of which this test uses a few"
)]
#[path = "e2e/app.rs"]
mod app;

use app::{App, binary};

#[tokio::test]
#[ignore = "run by cargo xtask test against the installed package"]
async fn installed_app_shows_home_and_quick_links_offline() {
    assert!(
        std::env::var_os("COFFER_DESKTOP_BIN").is_some(),
        "COFFER_DESKTOP_BIN must name the installed app (/usr/bin/coffer); `cargo xtask test` \
         installs the .deb and sets it"
    );
    let installed = binary();
    assert!(
        !installed.starts_with(env!("CARGO_MANIFEST_DIR"))
            && !installed.starts_with(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")),
        "{} is inside the checkout, not an installed app",
        installed.display()
    );
    // Nothing relative to the checkout: the app starts (through tauri-driver) in an empty
    // directory. The only test in this binary, so changing the directory races with nothing.
    let elsewhere = tempfile::tempdir().expect("temp dir");
    std::env::set_current_dir(elsewhere.path()).expect("cd to an empty directory");

    // The home screen: the embedded UI, in offline mode, on an empty data directory.
    let app = App::start("installed").await;
    // Settled: the accounts list can reload once right after start (it then says "Loading
    // your accounts..." for a moment).
    app.wait(
        "the empty accounts list",
        "var t=document.body.innerText; \
         return t.includes('No banks linked yet') && !t.includes('Loading your accounts')",
    )
    .await;
    let home = app.body_text().await;
    assert!(
        home.contains("user_good") && home.contains("pass_good"),
        "the offline first-run note names the sandbox's test credentials: {home}"
    );

    // A quick link in Sandbox tools: the embedded sandbox makes an Item, the app stores and
    // syncs it.
    app.go("sandbox").await;
    app.wait_text("Sandbox tools", 10).await;
    app.browser
        .click(&coffer_webdriver::button("Quick link"))
        .await;
    // The data-use screen shows once, before the first link of any kind.
    app.wait_text("Before you link a bank", 10).await;
    app.browser
        .click(&coffer_webdriver::button("Continue"))
        .await;
    app.wait_text("Linked First Platypus Bank without Link", 20)
        .await;
    app.go("accounts").await;
    // The sandbox, like Plaid, answers the first sync NOT_READY; the app syncs again itself.
    app.wait_links(1).await;
    let cards = app.cards().await;
    assert_eq!(cards.len(), 1, "{cards:?}");
    for shown in ["First Platypus Bank", "Plaid Checking", "••0000", "$110.00"] {
        assert!(cards[0].contains(shown), "{shown} in {}", cards[0]);
    }
    app.shot("quick-linked").await;

    // The data is in the data directory the app was given, and nowhere else.
    for file in ["offline/coffer.db", "offline/sandbox.json"] {
        assert!(
            app.data_dir().join(file).is_file(),
            "{file} is in COFFER_HOME"
        );
    }
    if let Some(xdg) = std::env::var_os("XDG_DATA_HOME") {
        let default = std::path::Path::new(&xdg).join("coffer");
        assert!(
            !default.exists(),
            "with COFFER_HOME set, the platform data directory {} stays unused",
            default.display()
        );
    }
    assert!(
        std::fs::read_dir(elsewhere.path())
            .expect("read the working directory")
            .next()
            .is_none(),
        "the app wrote nothing into its working directory"
    );
}
