//! `helpdesk`'s settings on AWS: the function's own names and defaults, from the environment.
//! (With `--local DIR` it needs none.)

use std::collections::HashMap;
use std::time::Duration;

use crate::config::{load_contract, ticket_retention, ConfigError, Vars};
use crate::uploads::LinkSigner;
use crate::worker::REPLAY_MARGIN;

/// Every environment variable `helpdesk` reads (besides the SDK's standard ones).
pub const HELPDESK_VARIABLES: [&str; 8] = [
    "TICKETS_TABLE",
    "UPLOADS_BUCKET",
    "DYNAMODB_TIMEOUT_MS",
    "S3_TIMEOUT_MS",
    "TICKET_RETENTION_DAYS",
    "SPOOL_SETTLE_SECONDS",
    "CLIENT_HASH_SALT",
    "TICKET_CONTRACT",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpdeskSettings {
    pub tickets_table: String,
    pub uploads_bucket: String,
    /// Each DynamoDB call, retries included: a table that does not answer fails the command
    /// within it rather than hang the terminal.
    pub store_timeout: Duration,
    pub s3_timeout: Duration,
    /// The TTL of tickets `replay` stores (and of their guards, as the worker's replay does).
    pub ticket_retention: Duration,
    /// How old a spool entry must be for `replay`: the worker's settle time and margin.
    pub replay_settle: Duration,
    /// With `CLIENT_HASH_SALT` and `TICKET_CONTRACT` (the functions' own), `show` prints links
    /// to the HTTP function that last their 7 days; without them, links presigned with the
    /// operator's credentials, which end with those credentials (an SSO session: hours).
    pub links: Option<LinkSigner>,
}

impl HelpdeskSettings {
    pub fn from_env() -> Result<HelpdeskSettings, ConfigError> {
        HelpdeskSettings::from_map(&std::env::vars().collect())
    }

    pub fn from_map(vars: &HashMap<String, String>) -> Result<HelpdeskSettings, ConfigError> {
        let env = Vars(vars);
        let settle = env.number("SPOOL_SETTLE_SECONDS", 15, 0..=300)?;
        Ok(HelpdeskSettings {
            tickets_table: env.required("TICKETS_TABLE", "the DynamoDB table of tickets")?,
            uploads_bucket: env.bucket(
                "UPLOADS_BUCKET",
                "the private bucket of attachments and the spool",
            )?,
            store_timeout: env.millis("DYNAMODB_TIMEOUT_MS", 2_500)?,
            s3_timeout: env.millis("S3_TIMEOUT_MS", 1_500)?,
            ticket_retention: ticket_retention(&env)?,
            replay_settle: Duration::from_secs(settle) + REPLAY_MARGIN,
            links: links(&env)?,
        })
    }
}

fn links(env: &Vars<'_>) -> Result<Option<LinkSigner>, ConfigError> {
    let (Some(_), Some(path)) = (env.get("CLIENT_HASH_SALT"), env.get("TICKET_CONTRACT")) else {
        return Ok(None);
    };
    let contract = load_contract(path)?;
    Ok(Some(LinkSigner::new(&env.client_hash_salt()?, &contract)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_functions_settings() {
        let mut vars: HashMap<String, String> =
            [("TICKETS_TABLE", "t"), ("UPLOADS_BUCKET", "uploads")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
        let s = HelpdeskSettings::from_map(&vars).unwrap();
        assert_eq!(s.store_timeout, Duration::from_millis(2_500));
        assert_eq!(s.replay_settle, Duration::from_secs(15) + REPLAY_MARGIN);
        assert_eq!(
            s.links, None,
            "presigned links without the functions' salt and contract"
        );
        let contract = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/ticket-contract.json"
        );
        vars.insert("TICKET_CONTRACT".into(), contract.into());
        vars.insert("CLIENT_HASH_SALT".into(), "0123456789abcdef0123".into());
        let s = HelpdeskSettings::from_map(&vars).unwrap();
        assert_eq!(
            s.links.map(|l| l.base().to_owned()).as_deref(),
            Some("https://api.example.com/files")
        );
        vars.remove("TICKETS_TABLE");
        let message = HelpdeskSettings::from_map(&vars).unwrap_err().to_string();
        assert!(message.contains("TICKETS_TABLE"), "{message}");
    }
}
