//! Fault injection (`POST /_faults`, `DELETE /_faults`): make chosen Plaid paths fail, stall or
//! drop the connection, after letting some requests through.

use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::plaid_error::{ApiError, canonical_message, classify};

/// A fault as posted to `/_faults`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// Exact API path, e.g. `/transactions/sync`; `*` matches every Plaid path.
    pub path: String,
    /// Plaid error code to answer with (status and type from Plaid's table).
    #[serde(default)]
    pub error_code: Option<String>,
    /// HTTP status override (needed for codes the table does not know).
    #[serde(default)]
    pub status: Option<u16>,
    /// Let this many matching requests through before failing.
    #[serde(default)]
    pub after: u64,
    /// Fail this many times, then stop (absent = forever).
    #[serde(default)]
    pub times: Option<u64>,
    /// Wait this long (real time) before answering.
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// Close the connection without any response.
    #[serde(default)]
    pub drop_connection: bool,
    /// Send `Retry-After: N` (seconds) with the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
}

impl FaultSpec {
    /// Rejects faults that would do nothing or name an unknown code without a status.
    pub fn validate(&self) -> Result<(), String> {
        if !self.path.starts_with('/') && self.path != "*" {
            return Err("path must start with / (or be *)".into());
        }
        if let Some(code) = &self.error_code
            && classify(code).is_none()
            && self.status.is_none()
        {
            return Err(format!("unknown error_code {code}: give a status too"));
        }
        if let Some(s) = self.status
            && !(200..=599).contains(&s)
        {
            return Err("status must be an HTTP status".into());
        }
        if self.error_code.is_none()
            && self.status.is_none()
            && self.delay_ms.is_none()
            && !self.drop_connection
        {
            return Err("a fault needs error_code, status, delay_ms or drop_connection".into());
        }
        Ok(())
    }
}

#[derive(Debug)]
struct Armed {
    spec: FaultSpec,
    seen: u64,
    fired: u64,
}

/// What to do with one request.
#[derive(Debug, Default, PartialEq)]
pub struct FaultAction {
    pub delay_ms: u64,
    pub drop_connection: bool,
    pub error: Option<ApiError>,
    pub retry_after_secs: Option<u64>,
}

/// The armed faults.
#[derive(Debug, Default)]
pub struct Faults(Mutex<Vec<Armed>>);

impl Faults {
    /// Arms a fault.
    pub fn add(&self, spec: FaultSpec) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Armed {
                spec,
                seen: 0,
                fired: 0,
            });
    }

    /// Disarms every fault.
    pub fn clear(&self) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// The armed faults.
    pub fn list(&self) -> Vec<FaultSpec> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|a| a.spec.clone())
            .collect()
    }

    /// Counts a request to `path` against every matching fault and returns what fires.
    pub fn on_request(&self, path: &str) -> Option<FaultAction> {
        let mut armed = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let mut action: Option<FaultAction> = None;
        for a in armed
            .iter_mut()
            .filter(|a| a.spec.path == path || a.spec.path == "*")
        {
            a.seen += 1;
            if a.seen <= a.spec.after || a.spec.times.is_some_and(|t| a.fired >= t) {
                continue;
            }
            a.fired += 1;
            let act = action.get_or_insert_with(FaultAction::default);
            act.delay_ms += a.spec.delay_ms.unwrap_or(0);
            act.drop_connection |= a.spec.drop_connection;
            if act.error.is_none() && (a.spec.error_code.is_some() || a.spec.status.is_some()) {
                let code = a
                    .spec
                    .error_code
                    .clone()
                    .unwrap_or_else(|| match a.spec.status {
                        Some(429) => "RATE_LIMIT".into(),
                        Some(503) => "PLANNED_MAINTENANCE".into(),
                        _ => "INTERNAL_SERVER_ERROR".into(),
                    });
                let mut e = ApiError::with_message(&code, canonical_message(&code));
                if let Some(s) = a.spec.status {
                    e.status = s;
                    if classify(&code).is_none() {
                        e.error_type = match s {
                            429 => "RATE_LIMIT_EXCEEDED",
                            500..=599 => "API_ERROR",
                            _ => "INVALID_REQUEST",
                        }
                        .into();
                    }
                }
                act.error = Some(e);
                act.retry_after_secs = a.spec.retry_after_secs;
            }
        }
        action
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(after: u64, times: Option<u64>) -> FaultSpec {
        FaultSpec {
            path: "/item/get".into(),
            error_code: Some("INTERNAL_SERVER_ERROR".into()),
            status: None,
            after,
            times,
            delay_ms: None,
            drop_connection: false,
            retry_after_secs: None,
        }
    }

    #[test]
    fn after_and_times_bound_the_failures() {
        let f = Faults::default();
        f.add(spec(2, Some(1)));
        assert!(f.on_request("/item/get").is_none());
        assert!(f.on_request("/accounts/get").is_none());
        assert!(f.on_request("/item/get").is_none());
        let hit = f.on_request("/item/get").expect("third request fails");
        assert_eq!(
            hit.error.map(|e| (e.status, e.error_type)),
            Some((500, "API_ERROR".to_string()))
        );
        assert!(f.on_request("/item/get").is_none());
        f.clear();
        f.add(spec(0, None));
        for _ in 0..5 {
            assert!(f.on_request("/item/get").is_some());
        }
    }

    #[test]
    fn validation_rejects_useless_faults() {
        let mut s = spec(0, None);
        s.error_code = Some("MADE_UP".into());
        assert!(s.validate().is_err());
        s.status = Some(418);
        assert!(s.validate().is_ok());
        s.error_code = None;
        s.status = None;
        assert!(s.validate().is_err());
    }
}
