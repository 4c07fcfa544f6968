//! The worker's settings, from its environment. Like the HTTP function's, a missing or bad
//! setting fails at start with a message naming it.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use crate::config::{load_contract, ticket_retention, ConfigError, Vars};
use crate::notify::{NotifyConfig, Routes, RoutesError, QUEUE_ROUTES};
use crate::uploads::LinkSigner;

/// Every environment variable the worker reads, for the README and error messages.
pub const WORKER_VARIABLES: [&str; 14] = [
    "TICKETS_TABLE",
    "TICKET_CONTRACT",
    "FALLBACK_EMAIL",
    "SENDER_EMAIL",
    "UPLOADS_BUCKET",
    "CLIENT_HASH_SALT",
    QUEUE_ROUTES,
    "ACK_LIMIT_PER_HOUR",
    "SPOOL_SETTLE_SECONDS",
    "DYNAMODB_TIMEOUT_MS",
    "SES_TIMEOUT_MS",
    "S3_TIMEOUT_MS",
    "TICKET_RETENTION_DAYS",
    "RUST_LOG",
];

#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub notify: NotifyConfig,
    /// `TICKETS_TABLE`.
    pub tickets_table: String,
    /// `UPLOADS_BUCKET`: its `spool/` holds the fallback spool, its `tickets/` the tickets' files.
    pub uploads_bucket: String,
    /// Signs the team email's links to the HTTP function (`CLIENT_HASH_SALT`, the same key as
    /// the function's), which outlive the worker's credentials.
    pub links: LinkSigner,
    pub store_timeout: Duration,
    pub mail_timeout: Duration,
    pub s3_timeout: Duration,
    /// `TICKET_RETENTION_DAYS`: the TTL of the tickets the worker replays from the spool (and of
    /// their submission guards).
    pub ticket_retention: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum WorkerSettingsError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Routes(#[from] RoutesError),
}

impl WorkerSettings {
    pub fn from_env() -> Result<WorkerSettings, WorkerSettingsError> {
        WorkerSettings::from_map(&std::env::vars().collect())
    }

    /// Reads the settings from `vars` (the environment, or a map in tests).
    pub fn from_map(vars: &HashMap<String, String>) -> Result<Self, WorkerSettingsError> {
        let env = Vars(vars);
        let tickets_table = env.required("TICKETS_TABLE", "the DynamoDB table of tickets")?;
        let contract =
            load_contract(&env.required("TICKET_CONTRACT", "the path of ticket-contract.json")?)?;
        let fallback = env.email(
            "FALLBACK_EMAIL",
            "the address of every queue without a route in QUEUE_ROUTES",
        )?;
        let sender_email =
            env.email("SENDER_EMAIL", "the SES-verified address emails come from")?;
        let uploads_bucket = env.required(
            "UPLOADS_BUCKET",
            "the private bucket whose spool/ and tickets/ the worker reads",
        )?;
        let links = LinkSigner::new(&env.client_hash_salt()?, &contract);
        let routes = Routes::parse(env.get(QUEUE_ROUTES), &fallback, &contract)?;
        let notify = NotifyConfig {
            ack_limit_per_hour: env.number("ACK_LIMIT_PER_HOUR", 3, 1..=1_000)? as u32,
            spool_settle: Duration::from_secs(env.number("SPOOL_SETTLE_SECONDS", 15, 0..=300)?),
            contract: Arc::new(contract),
            sender_email,
            routes,
        };
        Ok(WorkerSettings {
            notify,
            tickets_table,
            uploads_bucket,
            links,
            store_timeout: env.millis("DYNAMODB_TIMEOUT_MS", 2_500)?,
            mail_timeout: env.millis("SES_TIMEOUT_MS", 4_000)?,
            s3_timeout: env.millis("S3_TIMEOUT_MS", 1_500)?,
            ticket_retention: ticket_retention(&env)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> HashMap<String, String> {
        let contract = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/ticket-contract.json"
        );
        [
            ("TICKETS_TABLE", "tickets"),
            ("TICKET_CONTRACT", contract),
            ("FALLBACK_EMAIL", "support@example.com"),
            ("SENDER_EMAIL", "tickets@example.com"),
            ("UPLOADS_BUCKET", "uploads"),
            ("CLIENT_HASH_SALT", "0123456789abcdef"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    #[test]
    fn defaults() {
        let s = WorkerSettings::from_map(&vars()).unwrap();
        assert_eq!(s.notify.ack_limit_per_hour, 3);
        assert_eq!(s.notify.spool_settle, Duration::from_secs(15));
        assert_eq!(s.notify.routes.address("billing"), "support@example.com");
        assert_eq!(s.s3_timeout, Duration::from_millis(1_500));
        assert_eq!(s.ticket_retention, Duration::from_secs(365 * 86_400));
        assert_eq!(s.links.base(), "https://api.example.com/files");
    }

    #[test]
    fn bad_settings_are_named() {
        for (name, value) in [
            (QUEUE_ROUTES, Some("{\"billing\": \"nobody\"}")),
            (QUEUE_ROUTES, Some("[1, 2]")),
            ("ACK_LIMIT_PER_HOUR", Some("0")),
            ("SPOOL_SETTLE_SECONDS", Some("soon")),
            ("UPLOADS_BUCKET", None),
            ("CLIENT_HASH_SALT", None),
            ("CLIENT_HASH_SALT", Some("short")),
        ] {
            let mut v = vars();
            match value {
                Some(value) => v.insert(name.into(), value.into()),
                None => v.remove(name),
            };
            let message = WorkerSettings::from_map(&v).unwrap_err().to_string();
            assert!(message.contains(name), "{name}: {message}");
        }
    }
}
