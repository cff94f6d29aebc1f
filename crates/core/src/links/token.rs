//! Link tokens: creating one for each purpose (a new link, update mode, Hosted Link), reusing
//! an unused one, and retiring one whose Link session ended in an error.

use coffer_plaid::{
    CountryCode, LinkTokenCreateRequest, LinkTokenHostedLink, LinkTokenTransactions,
    LinkTokenUpdate, LinkTokenUser, Product,
};

use super::{CLIENT_NAME, HOSTED_LINK_URL_LIFETIME_SECS};
use crate::coffer::Coffer;
use crate::error::{AppError, Result};
use crate::store::events::NewEvent;
use crate::store::{self};
use crate::validate;
use crate::views::{CreateLinkTokenInput, LinkExitInput, LinkTokenView};

pub(super) fn purpose(input: &CreateLinkTokenInput) -> String {
    let mut p = match input.link_id {
        Some(id) if input.account_selection => format!("update+select:{id}"),
        Some(id) => format!("update:{id}"),
        None => "new".to_string(),
    };
    if input.hosted {
        p.push_str("+hosted");
    }
    p
}

impl Coffer {
    pub(super) fn check_link_limit(&self) -> Result<()> {
        let limit = self.settings().link_limit;
        let live = self.inner.store.read(store::links::read::count_live)?;
        if live >= limit {
            return Err(AppError::LinkLimitReached { limit });
        }
        Ok(())
    }

    pub(super) fn country_codes(&self) -> Vec<CountryCode> {
        self.settings()
            .country_codes
            .iter()
            .map(|c| CountryCode::from(c.as_str()))
            .collect()
    }

    /// `create_link_token`: a new link, update mode (`linkId`), Hosted Link (`hosted`), with
    /// optional reuse of an unexpired, unused cached token for the same purpose.
    pub async fn create_link_token(&self, input: CreateLinkTokenInput) -> Result<LinkTokenView> {
        const CONTEXT: &str = "failed to create link token";
        let link = match input.link_id {
            Some(id) => Some(self.link(id)?),
            None => {
                if input.account_selection {
                    return Err(AppError::invalid(
                        "accountSelection needs linkId (update mode)",
                    ));
                }
                self.check_link_limit()?;
                None
            }
        };
        let purpose = purpose(&input);
        if input.use_cache {
            // Keep a margin so the token does not expire while Link is open.
            let valid_until = (chrono::Utc::now() + chrono::Duration::minutes(5))
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            if let Some(row) = self
                .inner
                .store
                .read(|c| store::link_tokens::read::reusable(c, &purpose, &valid_until))?
            {
                return Ok(LinkTokenView {
                    link_token: row.link_token,
                    expiration: row.expiration,
                    hosted_link_url: row.hosted_link_url,
                });
            }
        }
        let settings = self.settings();
        let mut req = LinkTokenCreateRequest {
            client_name: CLIENT_NAME.into(),
            language: "en".into(),
            country_codes: self.country_codes(),
            user: Some(LinkTokenUser::new(settings.client_user_id.clone())),
            ..Default::default()
        };
        if input.hosted {
            req.hosted_link = Some(LinkTokenHostedLink {
                // Said, not left to Plaid's default (which depends on the delivery method).
                url_lifetime_seconds: Some(HOSTED_LINK_URL_LIFETIME_SECS),
                ..Default::default()
            });
        }
        match &link {
            Some(link) => {
                let token = self.access_token(link).await?;
                req.access_token = Some(token);
                if input.account_selection {
                    req.update = Some(LinkTokenUpdate {
                        account_selection_enabled: Some(true),
                        ..Default::default()
                    });
                }
            }
            None => {
                req.products = Some(
                    settings
                        .products
                        .iter()
                        .map(|p| Product::from(p.as_str()))
                        .collect(),
                );
                req.transactions = Some(LinkTokenTransactions {
                    days_requested: Some(settings.days_requested),
                });
            }
        }
        let resp = match self.inner.plaid.link_token_create(&req).await {
            Ok(r) => r,
            Err(e) => {
                let err = AppError::from_plaid(CONTEXT, e);
                match &link {
                    Some(l) => self.record_failure(l, "link_token_failed", &err),
                    None => self.event(NewEvent {
                        kind: "link_token_failed",
                        detail: &err.to_string(),
                        error_code: err.plaid_code().map(|c| c.as_str()),
                        request_id: err.plaid().and_then(|p| p.request_id.as_deref()),
                        ..Default::default()
                    }),
                }
                return Err(err.with_link(input.link_id.unwrap_or_default()));
            }
        };
        let expiration = resp
            .expiration
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        self.inner.store.write(|c| {
            store::link_tokens::write::insert(
                c,
                &resp.link_token,
                &purpose,
                input.link_id,
                &expiration,
                resp.hosted_link_url.as_deref(),
            )
        })?;
        self.event(NewEvent {
            link_id: input.link_id,
            kind: "link_token_created",
            detail: &purpose,
            request_id: Some(&resp.request_id),
            ..Default::default()
        });
        Ok(LinkTokenView {
            link_token: resp.link_token,
            expiration,
            hosted_link_url: resp.hosted_link_url,
        })
    }

    /// `report_link_exit`: Link (embedded) closed. After an error Plaid wants a new token
    /// (INVALID_LINK_TOKEN and the others), so one whose session ended in an error is never
    /// handed out again by `create_link_token { useCache }`; a plain close keeps it reusable.
    pub async fn report_link_exit(&self, input: LinkExitInput) -> Result<()> {
        validate::link_token(&input.link_token)?;
        if let Some(code) = &input.error_code {
            validate::token_like("errorCode", code, 100)?;
        }
        let known = self
            .inner
            .store
            .read(|c| store::link_tokens::read::get(c, &input.link_token))?
            .is_some();
        if !known {
            return Err(AppError::invalid("unknown link token"));
        }
        match &input.error_code {
            Some(code) => self.retire_link_token(&input.link_token, code),
            None => Ok(()),
        }
    }

    /// Marks a cached token spent after its session ended in `error_code`, with an event.
    pub(super) fn retire_link_token(&self, link_token: &str, error_code: &str) -> Result<()> {
        let row = self.inner.store.write(|c| {
            store::link_tokens::write::mark_used(c, link_token)?;
            store::link_tokens::read::get(c, link_token)
        })?;
        self.event(NewEvent {
            link_id: row.and_then(|r| r.link_id),
            kind: "link_exited",
            detail: "Link ended in an error; its token will not be reused",
            error_code: Some(error_code),
            ..Default::default()
        });
        Ok(())
    }
}
