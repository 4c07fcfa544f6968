//! `QUEUE_ROUTES`: which address gets each queue's team email.
//!
//! A JSON object of queue id → address, with `"*"` for every queue not named. Unset: every
//! queue goes to `FALLBACK_EMAIL`. Checked at start against the contract's queues: invalid
//! JSON, an invalid address, or a queue with neither a route nor `"*"` is an error naming the
//! setting. A ticket of a queue the contract did not have at start (a site deployed after the
//! worker) still reaches people: it goes to `FALLBACK_EMAIL`, with a warning in the log.

use std::collections::BTreeMap;

use crate::contract::TicketContract;
use crate::mail::is_valid_email;

/// The setting's name, for messages.
pub const QUEUE_ROUTES: &str = "QUEUE_ROUTES";
/// The key of the route for every queue not named.
pub const OTHER_QUEUES: &str = "*";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routes {
    routes: BTreeMap<String, String>,
    fallback: String,
}

#[derive(Debug, thiserror::Error)]
pub enum RoutesError {
    #[error("setting {QUEUE_ROUTES} is invalid: {0}; it wants a JSON object of queue → address, like {{\"billing\": \"billing@example.com\", \"*\": \"support@example.com\"}}")]
    Json(String),
    #[error("setting {QUEUE_ROUTES} is invalid: queue `{queue}` routes to {address:?}, which is not a plain address like support@example.com")]
    Address { queue: String, address: String },
    #[error("setting {QUEUE_ROUTES} is invalid: queue `{0}` of the ticket contract has no route and there is no \"*\" route; add either")]
    Missing(String),
}

impl Routes {
    /// Every queue to `fallback` (`QUEUE_ROUTES` unset).
    pub fn fallback_only(fallback: &str) -> Routes {
        Routes {
            routes: BTreeMap::new(),
            fallback: fallback.to_owned(),
        }
    }

    /// Reads `QUEUE_ROUTES` (`None`: unset) and checks it covers every queue of `contract`.
    pub fn parse(
        json: Option<&str>,
        fallback: &str,
        contract: &TicketContract,
    ) -> Result<Routes, RoutesError> {
        let Some(json) = json else {
            return Ok(Routes::fallback_only(fallback));
        };
        let routes: BTreeMap<String, String> =
            serde_json::from_str(json).map_err(|e| RoutesError::Json(e.to_string()))?;
        if let Some((queue, address)) = routes.iter().find(|(_, a)| !is_valid_email(a)) {
            return Err(RoutesError::Address {
                queue: queue.clone(),
                address: address.clone(),
            });
        }
        if !routes.contains_key(OTHER_QUEUES) {
            let queues = contract.audiences.iter().flat_map(|a| &a.categories);
            if let Some(c) = queues.into_iter().find(|c| !routes.contains_key(&c.queue)) {
                return Err(RoutesError::Missing(c.queue.clone()));
            }
        }
        Ok(Routes {
            routes,
            fallback: fallback.to_owned(),
        })
    }

    /// The address of `queue`'s team.
    pub fn address(&self, queue: &str) -> &str {
        if let Some(address) = self.routes.get(queue) {
            return address;
        }
        if let Some(address) = self.routes.get(OTHER_QUEUES) {
            return address;
        }
        if !self.routes.is_empty() {
            tracing::warn!(
                queue,
                "queue has no route in {QUEUE_ROUTES} (added after start?): sent to FALLBACK_EMAIL"
            );
        }
        &self.fallback
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::contract;

    const FALLBACK: &str = "support@example.com";

    #[test]
    fn routes_by_queue_then_star_then_fallback() {
        let c = contract();
        let unset = Routes::parse(None, FALLBACK, &c).unwrap();
        assert_eq!(unset.address("billing"), FALLBACK);
        let json = r#"{"billing": "billing@example.com", "*": "team@example.com"}"#;
        let routes = Routes::parse(Some(json), FALLBACK, &c).unwrap();
        assert_eq!(routes.address("billing"), "billing@example.com");
        assert_eq!(routes.address("general"), "team@example.com");
        let every: String = format!(
            "{{{}}}",
            [
                "billing",
                "accounts",
                "creator-payouts",
                "general",
                "studio-billing"
            ]
            .map(|q| format!("\"{q}\": \"{q}@example.com\""))
            .join(", ")
        );
        let named = Routes::parse(Some(&every), FALLBACK, &c).unwrap();
        assert_eq!(named.address("general"), "general@example.com");
        assert_eq!(named.address("added-later"), FALLBACK, "run time: fallback");
    }

    #[test]
    fn bad_routes_name_the_setting() {
        let c = contract();
        for (json, wants) in [
            ("billing@example.com", "JSON object"),
            (r#"{"billing": 3}"#, "JSON object"),
            (r#"{"*": "nobody"}"#, "`*`"),
            (
                r#"{"billing": "a@b.co\r\nBcc: x@y.z", "*": "t@example.com"}"#,
                "plain address",
            ),
            (r#"{"billing": "billing@example.com"}"#, "queue `accounts`"),
        ] {
            let message = Routes::parse(Some(json), FALLBACK, &c)
                .unwrap_err()
                .to_string();
            assert!(message.contains(QUEUE_ROUTES), "{message}");
            assert!(message.contains(wants), "{wants} in {message}");
        }
    }
}
