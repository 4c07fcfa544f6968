//! The ticket worker in-process: after each answer that names a ticket the store holds, its
//! team email and acknowledgement go to the outbox (`.eml` files), through the same notify code
//! as the stream worker on Lambda, routed by `QUEUE_ROUTES` from the environment when set. The
//! team email's images come from the handler's uploads folder, its links point at serve.

use std::sync::Arc;

use axum::body::Bytes;
use ticket_function::notify::{Notifier, NotifyConfig, NotifyError, Routes, QUEUE_ROUTES};
use ticket_function::TicketStore;

use super::LocalDeps;

pub(super) struct LocalNotify {
    config: NotifyConfig,
}

impl LocalNotify {
    /// Routes from `QUEUE_ROUTES` (unset: the contract's fallback address).
    pub(super) fn new(deps: &LocalDeps) -> Result<LocalNotify, String> {
        let contract = &deps.config.contract;
        let routes = std::env::var(QUEUE_ROUTES)
            .ok()
            .filter(|r| !r.trim().is_empty());
        let routes = Routes::parse(routes.as_deref(), &contract.fallback_email, contract)
            .map_err(|e| e.to_string())?;
        let config = NotifyConfig::local(contract.clone(), &deps.config.sender_email, routes);
        Ok(LocalNotify { config })
    }

    /// Notifies, in the background, the stored ticket `response` names (if any): the answer
    /// does not wait for the emails.
    pub(super) fn after(self: &Arc<Self>, deps: &Arc<LocalDeps>, response: &http::Response<Bytes>) {
        let Some(ticket_id) = named_ticket(response) else {
            return;
        };
        let (notify, deps) = (Arc::clone(self), Arc::clone(deps));
        tokio::spawn(async move {
            let notifier = Notifier {
                store: &deps.store,
                mailer: &deps.mailer,
                spool: &deps.spool,
                uploads: &deps.uploads,
                clock: &deps.clock,
                config: &notify.config,
            };
            let result: Result<(), NotifyError> = match deps.store.get(&ticket_id).await {
                Ok(Some(ticket)) => notifier.notify(&ticket).await.map(drop),
                Ok(None) => Ok(()), // emailed by the fallback: not in the store
                Err(e) => Err(e.into()),
            };
            if let Err(e) = result {
                eprintln!("ticket {ticket_id}: emails not written: {e}");
            }
        });
    }
}

/// The ticket id of a `201` JSON answer, or of the `303` to the thank-you page (no JavaScript).
fn named_ticket(response: &http::Response<Bytes>) -> Option<String> {
    if response.status() == http::StatusCode::CREATED {
        let json: serde_json::Value = serde_json::from_slice(response.body()).ok()?;
        return json["ticket_id"].as_str().map(str::to_owned);
    }
    let location = response
        .headers()
        .get(http::header::LOCATION)?
        .to_str()
        .ok()?;
    let (_, query) = location.split_once("/contact/thanks/?")?;
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "ticket")
        .map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_name_their_ticket() {
        let json = http::Response::builder()
            .status(201)
            .body(Bytes::from_static(
                br#"{"ticket_id":"HC-1","status":"stored"}"#,
            ))
            .unwrap();
        assert_eq!(named_ticket(&json).as_deref(), Some("HC-1"));
        let redirect = http::Response::builder()
            .status(303)
            .header(
                "location",
                "http://127.0.0.1:1/it/contact/thanks/?ticket=HC-2",
            )
            .body(Bytes::new())
            .unwrap();
        assert_eq!(named_ticket(&redirect).as_deref(), Some("HC-2"));
        let invalid = http::Response::builder()
            .status(400)
            .body(Bytes::new())
            .unwrap();
        assert_eq!(named_ticket(&invalid), None);
    }
}
