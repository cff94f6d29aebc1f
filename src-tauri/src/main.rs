//! # coffer-desktop: the desktop shell
//!
//! A Tauri 2 window around the Svelte UI (`ui/`, built into the binary); Plaid Link runs in a
//! window of its own with its own, minimal capability ([`link_window`]). The shell is thin:
//! [`commands`] validate and call coffer-core; [`events`] tell the UI about syncs and link
//! changes; [`popups`] builds the main window (which stays on the app's pages) and Link's
//! OAuth pop-ups; [`export_dialog`] asks where an export goes; [`instance`] keeps one instance per data directory;
//! [`background`] runs health checks and syncs on a timer; [`logging`] writes a rotating,
//! redacted log file; [`webview`] chooses how the page paints. All behaviour is in
//! coffer-core, tested without a window.
//!
//! ## How to add a command
//! 1. Add the core function (see coffer-core's "How to add a command").
//! 2. Add a `#[tauri::command]` of a few lines in `commands.rs` taking `input`.
//! 3. List it in `generate_handler!` below, in `build.rs`'s `COMMANDS`, and as
//!    `allow-<name>` in `capabilities/main.json` (or `link.json`, for the Link window's
//!    three); add its wrapper in `ui/src/lib/backend`. The `command_lists_agree` test fails
//!    while these lists differ.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod background;
#[cfg(test)]
mod command_lists;
mod commands;
mod events;
mod export_dialog;
mod instance;
mod link_window;
mod logging;
mod popups;
mod startup;
mod state;
mod webview;

use tauri::Manager;

use state::AppState;

fn main() {
    startup::mark_start();
    let home = match coffer_core::paths::default_home() {
        Ok(h) => h,
        Err(e) => {
            eprintln!("coffer: {e}");
            std::process::exit(1);
        }
    };
    let instance = match instance::claim(&home) {
        Ok(instance::Claim::First(i)) => i,
        Ok(instance::Claim::Other) => return,
        Err(e) => {
            eprintln!(
                "coffer: cannot use the data directory {}: {e}",
                home.display()
            );
            std::process::exit(1);
        }
    };
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .manage(AppState::default())
        .manage(link_window::Sessions::default())
        .invoke_handler(tauri::generate_handler![
            commands::open_link,
            commands::close_link,
            commands::link_session,
            commands::link_success,
            commands::link_exit,
            commands::create_link_token,
            commands::poll_hosted_link,
            commands::open_hosted_link,
            commands::qr_code,
            commands::list_links,
            commands::rename_link,
            commands::remove_link,
            commands::refresh_balances,
            commands::sync_transactions,
            commands::list_transactions,
            commands::export_transactions,
            commands::get_transaction,
            commands::edit_transactions,
            commands::split_transaction,
            commands::pair_transfer,
            commands::unpair_transfer,
            commands::suggest_rule,
            commands::list_categories,
            commands::create_category,
            commands::delete_category,
            commands::list_tags,
            commands::list_rules,
            commands::save_rule,
            commands::delete_rule,
            commands::order_rules,
            commands::preview_rules,
            commands::import_rules,
            commands::apply_rules,
            commands::export_rules,
            commands::get_status,
            commands::get_settings,
            commands::save_settings,
            commands::accept_data_use,
            commands::open_privacy_policy,
            commands::test_connection,
            commands::list_events,
            commands::list_balance_history,
            commands::list_spending_by_category,
            commands::sandbox_quick_link,
            commands::sandbox_reset_login,
            commands::sandbox_fire_webhook,
            commands::sandbox_add_transactions,
            commands::sandbox_inject_fault,
            commands::sandbox_clear_faults,
            commands::ui_ready,
        ])
        .setup(move |app| {
            match app.path().app_log_dir() {
                Ok(dir) => {
                    if let Err(e) = logging::init(&dir) {
                        eprintln!("coffer: no log file ({e})");
                    }
                }
                Err(e) => eprintln!("coffer: no log directory ({e})"),
            }
            startup::step("setup");
            let window = popups::main_window(app.handle())?;
            startup::step("main window built");
            instance.serve(move || {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            });
            // The core opens while the window appears; commands wait for it.
            let handle = app.handle().clone();
            let opts = coffer_core::OpenOptions {
                home: Some(home),
                ..Default::default()
            };
            tauri::async_runtime::spawn(async move {
                let opened = coffer_core::Coffer::open_with(opts).await;
                startup::step("core open");
                handle.state::<AppState>().set(opened);
            });
            background::start(app.handle().clone());
            Ok(())
        })
        .build(tauri::generate_context!("../tauri.conf.json"));
    match result {
        Ok(app) => app.run(|handle, event| {
            if let tauri::RunEvent::Exit = event
                && let Some(coffer) = handle.state::<AppState>().ready()
            {
                tauri::async_runtime::block_on(coffer.shutdown());
            }
        }),
        Err(e) => {
            eprintln!("coffer: could not start: {e}");
            std::process::exit(1);
        }
    }
}
