//! The vault: access tokens and the Plaid secret in the OS keychain, never anywhere else.
//!
//! Keys, per mode: `<mode>/item/<item_id>` → the Item's access token, `<mode>/plaid-secret`
//! → the Plaid secret. [`KeyringVault`] is the real one; [`MemoryVault`] is for unit tests and
//! benchmarks.
//!
//! Why `keyring` 3.6 with `sync-secret-service` + `crypto-rust` + `apple-native` +
//! `windows-native` (docs/ARCHITECTURE.md, "Storage"): on Linux it talks to the Secret Service (gnome-keyring,
//! KeePassXC) over libdbus, measured working headless under `dbus-run-session` with an
//! unlocked gnome-keyring, and failing fast (<120 ms) when there is no bus or service;
//! `crypto-rust` encrypts the D-Bus session with pure-Rust crypto (no OpenSSL); on macOS and
//! Windows the native stores (Keychain Services, Credential Manager). The kernel keyutils
//! store is not used: it does not survive a reboot. There is no plaintext fallback, on purpose.
//!
//! A keychain can block forever (a locked collection waiting for an unlock prompt), so every
//! call runs on its own thread and is abandoned after a timeout with `KEYCHAIN_UNAVAILABLE`
//! "keychain locked or not responding".
//!
//! The keychain cannot be enumerated; the entries this app wrote are listed in the database
//! (`vault_entries`), which reconcile compares with links and with what the vault loads.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use coffer_plaid::Secret;

use crate::error::{AppError, Result};
use crate::mode::Mode;

/// Default time a keychain call may take.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Default keychain service name.
pub const SERVICE: &str = "coffer";

/// Message when no keychain can be used.
pub const NO_KEYCHAIN_HELP: &str = "no usable OS keychain: on Linux install and start a Secret Service \
     (gnome-keyring, or KeePassXC with Secret Service integration enabled) inside a D-Bus session, and unlock it; \
     Coffer never stores access tokens in plain text";

/// The key of an Item's access token.
pub fn item_key(mode: Mode, item_id: &str) -> String {
    format!("{}/item/{item_id}", mode.as_str())
}

/// The key of the Plaid secret of a mode.
pub fn secret_key(mode: Mode) -> String {
    format!("{}/plaid-secret", mode.as_str())
}

/// A secret store. Calls block (at most the vault's timeout): call them off the async runtime.
pub trait Vault: Send + Sync + std::fmt::Debug {
    /// Stores (or replaces) a secret.
    fn store(&self, key: &str, secret: &Secret) -> Result<()>;
    /// Loads a secret; `None` when there is no entry.
    fn load(&self, key: &str) -> Result<Option<Secret>>;
    /// Deletes an entry; deleting a missing one is fine.
    fn delete(&self, key: &str) -> Result<()>;
}

/// The OS keychain through `keyring`.
#[derive(Debug, Clone)]
pub struct KeyringVault {
    service: String,
    timeout: Duration,
}

impl KeyringVault {
    /// A vault under keychain service `service` (`coffer` in the app; tests use their own).
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// Sets the per-call timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Runs `op` on an entry in its own thread, giving up after the timeout.
    fn call<T: Send + 'static>(
        &self,
        key: &str,
        op: impl FnOnce(&keyring::Entry) -> keyring::Result<T> + Send + 'static,
    ) -> std::result::Result<T, keyring::Error> {
        let (tx, rx) = std::sync::mpsc::channel();
        let service = self.service.clone();
        let user = key.to_string();
        let spawned = std::thread::Builder::new()
            .name("coffer-keychain".into())
            .spawn(move || {
                let result = keyring::Entry::new(&service, &user).and_then(|e| op(&e));
                let _ = tx.send(result);
            });
        if let Err(e) = spawned {
            return Err(keyring::Error::PlatformFailure(Box::new(e)));
        }
        match rx.recv_timeout(self.timeout) {
            Ok(r) => r,
            // The thread is abandoned: it may stay blocked on an unlock prompt.
            Err(_) => Err(keyring::Error::NoStorageAccess(Box::new(TimedOut))),
        }
    }
}

#[derive(Debug)]
struct TimedOut;
impl std::fmt::Display for TimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("timed out")
    }
}
impl std::error::Error for TimedOut {}

fn map_err(e: keyring::Error) -> AppError {
    match e {
        keyring::Error::NoStorageAccess(inner) if inner.to_string() == "timed out" => {
            AppError::KeychainUnavailable(
                "keychain locked or not responding (unlock your keyring and try again)".into(),
            )
        }
        keyring::Error::PlatformFailure(inner) | keyring::Error::NoStorageAccess(inner) => {
            AppError::KeychainUnavailable(format!("{NO_KEYCHAIN_HELP} ({inner})"))
        }
        other => AppError::KeychainUnavailable(format!("keychain error: {other}")),
    }
}

impl Vault for KeyringVault {
    fn store(&self, key: &str, secret: &Secret) -> Result<()> {
        let value = secret.expose().to_string();
        self.call(key, move |e| e.set_password(&value))
            .map_err(map_err)
    }

    fn load(&self, key: &str) -> Result<Option<Secret>> {
        match self.call(key, |e| e.get_password()) {
            Ok(s) => Ok(Some(Secret::new(s))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_err(e)),
        }
    }

    fn delete(&self, key: &str) -> Result<()> {
        match self.call(key, |e| e.delete_credential()) {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_err(e)),
        }
    }
}

/// An in-memory vault for tests and benchmarks. It can be switched to fail like a missing
/// keychain.
#[derive(Debug, Default)]
pub struct MemoryVault {
    entries: Mutex<HashMap<String, String>>,
    unavailable: std::sync::atomic::AtomicBool,
}

impl MemoryVault {
    /// An empty vault.
    pub fn new() -> Self {
        Self::default()
    }
    /// Makes every call fail with `KEYCHAIN_UNAVAILABLE` (or work again).
    pub fn set_unavailable(&self, yes: bool) {
        self.unavailable
            .store(yes, std::sync::atomic::Ordering::SeqCst);
    }
    /// Keys present.
    pub fn keys(&self) -> Vec<String> {
        let mut k: Vec<String> = self.lock().keys().cloned().collect();
        k.sort();
        k
    }
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }
    fn check(&self) -> Result<()> {
        if self.unavailable.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(AppError::KeychainUnavailable(NO_KEYCHAIN_HELP.into()));
        }
        Ok(())
    }
}

impl Vault for MemoryVault {
    fn store(&self, key: &str, secret: &Secret) -> Result<()> {
        self.check()?;
        self.lock()
            .insert(key.to_string(), secret.expose().to_string());
        Ok(())
    }
    fn load(&self, key: &str) -> Result<Option<Secret>> {
        self.check()?;
        Ok(self.lock().get(key).map(|s| Secret::new(s.clone())))
    }
    fn delete(&self, key: &str) -> Result<()> {
        self.check()?;
        self.lock().remove(key);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_vault_roundtrip() {
        let v = MemoryVault::new();
        let k = item_key(Mode::Offline, "item1");
        assert_eq!(k, "offline/item/item1");
        assert!(v.load(&k).expect("load").is_none());
        v.store(&k, &Secret::new("access-sandbox-x"))
            .expect("store");
        assert_eq!(
            v.load(&k).expect("load").expect("some").expose(),
            "access-sandbox-x"
        );
        v.delete(&k).expect("delete");
        v.delete(&k).expect("delete twice");
        assert!(v.load(&k).expect("load").is_none());
        v.set_unavailable(true);
        assert_eq!(
            v.load(&k).expect_err("unavailable").code(),
            crate::error::ErrorCode::KeychainUnavailable
        );
    }
}
