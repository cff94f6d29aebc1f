//! tauri.conf.json lives at the project root (one source of truth for the app and packaging);
//! the app's own commands are declared so the capability grants each one by name.

fn main() {
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri-build: {e:#}");
    }
}

/// Every command of `src/commands.rs` (keep in step with `generate_handler!` in main.rs).
const COMMANDS: &[&str] = &[
    "open_link",
    "close_link",
    "link_session",
    "link_success",
    "link_exit",
    "create_link_token",
    "poll_hosted_link",
    "open_hosted_link",
    "qr_code",
    "list_links",
    "rename_link",
    "remove_link",
    "refresh_balances",
    "sync_transactions",
    "list_transactions",
    "export_transactions",
    "get_transaction",
    "edit_transactions",
    "split_transaction",
    "pair_transfer",
    "unpair_transfer",
    "suggest_rule",
    "list_categories",
    "create_category",
    "delete_category",
    "list_tags",
    "list_rules",
    "save_rule",
    "delete_rule",
    "order_rules",
    "preview_rules",
    "import_rules",
    "apply_rules",
    "export_rules",
    "get_status",
    "get_settings",
    "save_settings",
    "accept_data_use",
    "open_privacy_policy",
    "test_connection",
    "list_events",
    "list_balance_history",
    "list_spending_by_category",
    "sandbox_quick_link",
    "sandbox_reset_login",
    "sandbox_fire_webhook",
    "sandbox_add_transactions",
    "sandbox_inject_fault",
    "sandbox_clear_faults",
    "ui_ready",
];
