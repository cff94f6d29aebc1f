//! Hosted Link: Link in the browser, whose result Coffer polls from `/link/token/get`.

use crate::coffer::Coffer;
use crate::error::{AppError, Result};
use crate::store::{self};
use crate::validate;
use crate::views::{HostedLinkPoll, HostedLinkState};

/// How long a Hosted Link address works: 30 minutes, time to finish on a phone after scanning
/// its QR code, short enough that a leaked address is soon useless.
pub const HOSTED_LINK_URL_LIFETIME_SECS: u32 = 30 * 60;

/// The session started last (Plaid lists them in no promised order); on equal start times,
/// the one listed last.
pub(super) fn newest_session(
    sessions: &[coffer_plaid::LinkSession],
) -> Option<&coffer_plaid::LinkSession> {
    sessions
        .iter()
        .enumerate()
        .max_by_key(|(i, s)| (s.started_at, *i))
        .map(|(_, s)| s)
}

impl Coffer {
    /// `poll_hosted_link`: reads `/link/token/get`; exchanges (or finishes the update) on
    /// success; reports an exit.
    pub async fn poll_hosted_link(&self, link_token: &str) -> Result<HostedLinkPoll> {
        validate::link_token(link_token)?;
        let cached = self
            .inner
            .store
            .read(|c| store::link_tokens::read::get(c, link_token))?
            .ok_or_else(|| AppError::invalid("unknown link token"))?;
        let resp = self
            .inner
            .plaid
            .link_token_get(link_token)
            .await
            .map_err(|e| AppError::from_plaid("failed to read the Link session", e))?;
        // Only the newest session counts: an earlier one that the person closed says nothing
        // about the one they may have opened since (Plaid lists both, unfinished ones too).
        let sessions = resp.link_sessions.unwrap_or_default();
        let pending = HostedLinkPoll {
            state: HostedLinkState::Pending,
            link_id: None,
            error: None,
        };
        let Some(session) = newest_session(&sessions) else {
            return Ok(pending);
        };
        let added = session
            .results
            .as_ref()
            .and_then(|r| r.item_add_results.first())
            .map(|r| {
                (
                    r.public_token.clone(),
                    r.institution.clone(),
                    r.accounts.clone(),
                )
            })
            .or_else(|| {
                session.on_success.as_ref().map(|o| {
                    (
                        o.public_token.clone(),
                        o.metadata.institution.clone(),
                        o.metadata.accounts.clone(),
                    )
                })
            });
        let exit = session.exit.as_ref().or(session.on_exit.as_ref());
        let link_id = match (cached.link_id, added, exit) {
            // Update mode: the Item is repaired, nothing to exchange. Plaid finishes such a
            // session without `item_add_results`; a finish with no exit is its success.
            (Some(id), Some((_, _, accounts)), _) => {
                let ids: Vec<String> = accounts.iter().filter_map(|a| a.id.clone()).collect();
                self.finish_update(id, (!ids.is_empty()).then_some(ids))
                    .await?;
                id
            }
            (Some(id), None, None) if session.finished_at.is_some() => {
                self.finish_update(id, None).await?;
                id
            }
            (None, Some((public_token, institution, accounts)), _) => {
                let ids: Vec<String> = accounts.iter().filter_map(|a| a.id.clone()).collect();
                let inst_id = institution.as_ref().and_then(|i| i.institution_id.clone());
                let inst_name = institution.as_ref().and_then(|i| i.name.clone());
                self.exchange(
                    &public_token,
                    inst_id,
                    inst_name,
                    (!ids.is_empty()).then_some(&ids[..]),
                )
                .await?
                .link_id
            }
            (_, None, Some(exit)) => {
                let error = exit.error.as_ref().map(|e| crate::error::PlaidErrorInfo {
                    error_type: e.error_type.to_string(),
                    error_code: e.error_code.clone(),
                    error_message: e.error_message.clone(),
                    display_message: e.display_message.clone(),
                    request_id: e.request_id.clone(),
                    status: e.status.unwrap_or(400),
                });
                if let Some(e) = &error {
                    self.retire_link_token(link_token, e.error_code.as_str())?;
                }
                return Ok(HostedLinkPoll {
                    state: HostedLinkState::Exited,
                    link_id: None,
                    error,
                });
            }
            _ => return Ok(pending),
        };
        Ok(HostedLinkPoll {
            state: HostedLinkState::Success,
            link_id: Some(link_id),
            error: None,
        })
    }
}
