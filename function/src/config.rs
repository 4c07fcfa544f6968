//! Settings. [`Config`] is what the handler needs, built directly by `helpcenter serve` or from
//! the environment by [`Settings::from_map`] on Lambda, which also reads the AWS-only settings.
//! A missing or bad setting fails at start with a message that names it and says what it wants.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use crate::contract::{field, TicketContract};
use crate::mail::is_valid_email;

/// What the handler needs to answer a request.
#[derive(Debug, Clone)]
pub struct Config {
    pub contract: Arc<TicketContract>,
    /// Where tickets go when the store is down; shown in `503` answers.
    pub fallback_email: String,
    /// The `From` of fallback emails (an address the mail service may send from).
    pub sender_email: String,
    /// Site origins allowed by CORS (`https://help.example.com`).
    pub allowed_origins: Vec<String>,
    /// Requests per client per minute; 0 turns the limit off.
    pub rate_limit_per_minute: u32,
    /// Salt of the client address hash (keep it secret: IPv4 space is small enough to brute-force).
    pub client_hash_salt: String,
    /// Largest body accepted (`413` above).
    pub max_body_bytes: usize,
    /// Longest wait for the store before falling back to email.
    pub store_timeout: Duration,
    /// Longest wait for the mailer (then the spool is still tried).
    pub mail_timeout: Duration,
    /// Longest wait for the spool write after the fallback email.
    pub spool_timeout: Duration,
    /// Longest wait for one call to the uploads bucket (checking, moving or reading a file).
    pub uploads_timeout: Duration,
}

impl Config {
    /// Settings for a local server (`helpcenter serve`): the contract's fallback address, a
    /// sender on `localhost`, a generous rate limit, a fresh random salt, short timeouts.
    pub fn local(contract: TicketContract, allowed_origins: Vec<String>) -> Config {
        let salt = hex::encode(crate::ticket::random_bytes::<16>());
        Config {
            fallback_email: contract.fallback_email.clone(),
            sender_email: "helpcenter@localhost.localdomain".into(),
            allowed_origins,
            rate_limit_per_minute: 60,
            client_hash_salt: salt,
            max_body_bytes: contract.limits.max_body_bytes,
            store_timeout: Duration::from_secs(2),
            mail_timeout: Duration::from_secs(2),
            spool_timeout: Duration::from_secs(1),
            uploads_timeout: Duration::from_secs(2),
            contract: Arc::new(contract),
        }
    }
}

/// Everything the Lambda reads from its environment.
#[derive(Debug, Clone)]
pub struct Settings {
    pub config: Config,
    /// `TICKETS_TABLE`: the DynamoDB table.
    pub tickets_table: String,
    /// `SUBMISSION_TTL_DAYS`: how long a `submission_id` is remembered for idempotent retries.
    pub submission_ttl: Duration,
    /// `UPLOADS_BUCKET`: the private S3 bucket whose `spool/` keeps tickets the table could not
    /// take.
    pub uploads_bucket: String,
    /// `TICKET_RETENTION_DAYS`: how long a stored ticket is kept (the table's TTL forgets it
    /// after that; the bucket's lifecycle forgets its attachments on the same rule).
    pub ticket_retention: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("setting {name} is missing: {wants}")]
    Missing {
        name: &'static str,
        wants: &'static str,
    },
    #[error("setting {name} is invalid ({value:?}): {wants}")]
    Invalid {
        name: &'static str,
        value: String,
        wants: String,
    },
    #[error("setting TICKET_CONTRACT: cannot read {path}: {source}")]
    ContractFile {
        path: String,
        source: std::io::Error,
    },
    #[error("setting TICKET_CONTRACT: {path}: {source}")]
    Contract {
        path: String,
        source: crate::contract::ContractError,
    },
}

/// The Lambda's whole budget; the store, mail and S3 timeouts together must leave room in it.
pub const FUNCTION_BUDGET: Duration = Duration::from_secs(20);

/// S3 calls a ticket may make one after the other: checking its uploads (a `HEAD` and the first
/// bytes), moving them in, reading the images of the fallback email, the spool write, and
/// removing the pending copies.
pub const S3_CALLS_IN_A_ROW: u32 = 6;

/// Time kept back from the budget for parsing, answering and the Lambda runtime itself.
const BUDGET_MARGIN: Duration = Duration::from_secs(1);

/// Every environment variable the function reads, for the README and error messages.
pub const VARIABLES: [&str; 14] = [
    "TICKETS_TABLE",
    "TICKET_CONTRACT",
    "FALLBACK_EMAIL",
    "SENDER_EMAIL",
    "ALLOWED_ORIGINS",
    "CLIENT_HASH_SALT",
    "RATE_LIMIT_PER_MINUTE",
    "MAX_BODY_BYTES",
    "DYNAMODB_TIMEOUT_MS",
    "SES_TIMEOUT_MS",
    "SUBMISSION_TTL_DAYS",
    "UPLOADS_BUCKET",
    "S3_TIMEOUT_MS",
    "TICKET_RETENTION_DAYS",
];

impl Settings {
    pub fn from_env() -> Result<Settings, ConfigError> {
        Settings::from_map(&std::env::vars().collect())
    }

    /// Reads the settings from `vars` (the environment, or a map in tests).
    pub fn from_map(vars: &HashMap<String, String>) -> Result<Settings, ConfigError> {
        let env = Vars(vars);
        let tickets_table = env.required(
            "TICKETS_TABLE",
            "the name of the DynamoDB table for tickets",
        )?;
        let contract =
            load_contract(&env.required("TICKET_CONTRACT", "the path of ticket-contract.json")?)?;
        let fallback_email = env.email(
            "FALLBACK_EMAIL",
            "the address that receives tickets when DynamoDB is down",
        )?;
        let sender_email = env.email(
            "SENDER_EMAIL",
            "the SES-verified address fallback emails are sent from",
        )?;
        let allowed_origins =
            parse_origins(&env.required("ALLOWED_ORIGINS", "comma-separated site origins")?)?;
        let client_hash_salt = env.client_hash_salt()?;
        let (store_timeout, mail_timeout, spool_timeout) = timeouts(&env)?;
        let uploads_bucket = env.bucket(
            "UPLOADS_BUCKET",
            "the private S3 bucket of attachments (pending/, tickets/) and of the spool (spool/)",
        )?;
        let max_body_bytes = env.number(
            "MAX_BODY_BYTES",
            contract.limits.max_body_bytes as u64,
            1_024..=1_048_576,
        )?;
        let config = Config {
            fallback_email,
            sender_email,
            allowed_origins,
            rate_limit_per_minute: env.number("RATE_LIMIT_PER_MINUTE", 10, 0..=10_000)? as u32,
            client_hash_salt,
            max_body_bytes: max_body_bytes as usize,
            store_timeout,
            mail_timeout,
            spool_timeout,
            uploads_timeout: spool_timeout,
            contract: Arc::new(contract),
        };
        let ttl_days = env.number("SUBMISSION_TTL_DAYS", 7, 1..=365)?;
        Ok(Settings {
            config,
            tickets_table,
            submission_ttl: Duration::from_secs(ttl_days * 86_400),
            uploads_bucket,
            ticket_retention: ticket_retention(&env)?,
        })
    }
}

/// `TICKET_RETENTION_DAYS` (default 365): the HTTP function stamps it on each ticket, the worker
/// on its helper items, `helpdesk` on the tickets it replays.
pub(crate) fn ticket_retention(env: &Vars<'_>) -> Result<Duration, ConfigError> {
    let days = env.number("TICKET_RETENTION_DAYS", 365, 1..=3_650)?;
    Ok(Duration::from_secs(days * 86_400))
}

/// DynamoDB, SES and S3 timeouts: each in its range, and one after the other (store, fallback
/// email, [`S3_CALLS_IN_A_ROW`] S3 calls) within the Lambda's budget.
fn timeouts(env: &Vars<'_>) -> Result<(Duration, Duration, Duration), ConfigError> {
    let store = env.millis("DYNAMODB_TIMEOUT_MS", 2_500)?;
    let mail = env.millis("SES_TIMEOUT_MS", 4_000)?;
    let spool = env.millis("S3_TIMEOUT_MS", 1_500)?;
    if store + mail + spool * S3_CALLS_IN_A_ROW > FUNCTION_BUDGET - BUDGET_MARGIN {
        let value = format!(
            "{} + {} + {S3_CALLS_IN_A_ROW} × {}",
            store.as_millis(),
            mail.as_millis(),
            spool.as_millis()
        );
        let wants = format!(
            "together at most {} ms, to fit the Lambda's {} s",
            (FUNCTION_BUDGET - BUDGET_MARGIN).as_millis(),
            FUNCTION_BUDGET.as_secs()
        );
        let name = "DYNAMODB_TIMEOUT_MS + SES_TIMEOUT_MS + 6 × S3_TIMEOUT_MS";
        return Err(env.invalid(name, &value, &wants));
    }
    Ok((store, mail, spool))
}

/// Loads the contract and checks that the function understands every field it names.
pub fn load_contract(path: &str) -> Result<TicketContract, ConfigError> {
    let json = std::fs::read_to_string(path).map_err(|source| ConfigError::ContractFile {
        path: path.into(),
        source,
    })?;
    let contract = TicketContract::from_json(&json).map_err(|source| ConfigError::Contract {
        path: path.into(),
        source,
    })?;
    if let Some(unknown) = contract.fields.iter().find(|f| !field::is_known(&f.name)) {
        let message = format!(
            "field `{}` is not one the function stores; update the function",
            unknown.name
        );
        return Err(ConfigError::Contract {
            path: path.into(),
            source: crate::contract::ContractError::Inconsistent(message),
        });
    }
    Ok(contract)
}

/// `https://help.example.com, http://localhost:1111` → normalised origins (no path, no slash).
pub fn parse_origins(list: &str) -> Result<Vec<String>, ConfigError> {
    let mut origins = Vec::new();
    for origin in list.split(',').map(str::trim).filter(|o| !o.is_empty()) {
        let rest = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"));
        let host = rest.unwrap_or_default().trim_end_matches('/');
        if host.is_empty() || host.contains(['/', '?', '#', '@', ' ']) {
            return Err(ConfigError::Invalid {
                name: "ALLOWED_ORIGINS",
                value: origin.into(),
                wants:
                    "origins like https://help.example.com (scheme, host, optional port; no path)"
                        .into(),
            });
        }
        origins.push(origin.trim_end_matches('/').to_ascii_lowercase());
    }
    if origins.is_empty() {
        return Err(ConfigError::Missing {
            name: "ALLOWED_ORIGINS",
            wants: "comma-separated site origins",
        });
    }
    Ok(origins)
}

/// Reads settings from a map with the messages above (shared with the worker's settings).
pub(crate) struct Vars<'a>(pub(crate) &'a HashMap<String, String>);

impl Vars<'_> {
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
    }

    pub(crate) fn required(
        &self,
        name: &'static str,
        wants: &'static str,
    ) -> Result<String, ConfigError> {
        self.get(name)
            .map(str::to_owned)
            .ok_or(ConfigError::Missing { name, wants })
    }

    /// `CLIENT_HASH_SALT`: the client hash's salt, and the key of the emails' attachment links
    /// (derived: `uploads/link.rs`), so both functions read it.
    pub(crate) fn client_hash_salt(&self) -> Result<String, ConfigError> {
        let salt = self.required(
            "CLIENT_HASH_SALT",
            "a secret random string of 16+ characters",
        )?;
        match salt.chars().count() >= 16 {
            true => Ok(salt),
            false => Err(self.invalid("CLIENT_HASH_SALT", "[hidden]", "at least 16 characters")),
        }
    }

    pub(crate) fn email(
        &self,
        name: &'static str,
        wants: &'static str,
    ) -> Result<String, ConfigError> {
        let value = self.required(name, wants)?;
        match is_valid_email(&value) {
            true => Ok(value),
            false => Err(self.invalid(name, &value, "a plain address like support@example.com")),
        }
    }

    /// An S3 bucket name: 3–63 lowercase letters, digits, `-` and `.`, starting and ending with a
    /// letter or digit (the rules for buckets that path-style and virtual-hosted URLs both take).
    pub(crate) fn bucket(
        &self,
        name: &'static str,
        wants: &'static str,
    ) -> Result<String, ConfigError> {
        let value = self.required(name, wants)?;
        let allowed =
            |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.';
        let edge = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        let bytes = value.as_bytes();
        match (3..=63).contains(&bytes.len())
            && bytes.iter().copied().all(allowed)
            && edge(bytes.first())
            && edge(bytes.last())
            && !value.contains("..")
        {
            true => Ok(value),
            false => Err(self.invalid(
                name,
                &value,
                "an S3 bucket name: 3 to 63 lowercase letters, digits, '-' or '.'",
            )),
        }
    }

    pub(crate) fn number(
        &self,
        name: &'static str,
        default: u64,
        range: std::ops::RangeInclusive<u64>,
    ) -> Result<u64, ConfigError> {
        let Some(text) = self.get(name) else {
            return Ok(default);
        };
        match text.parse::<u64>() {
            Ok(n) if range.contains(&n) => Ok(n),
            _ => Err(self.invalid(
                name,
                text,
                &format!("a whole number from {} to {}", range.start(), range.end()),
            )),
        }
    }

    /// A timeout in milliseconds, 100 ms to 8 s.
    pub(crate) fn millis(&self, name: &'static str, default: u64) -> Result<Duration, ConfigError> {
        Ok(Duration::from_millis(self.number(
            name,
            default,
            100..=8_000,
        )?))
    }

    pub(crate) fn invalid(&self, name: &'static str, value: &str, wants: &str) -> ConfigError {
        ConfigError::Invalid {
            name,
            value: value.into(),
            wants: wants.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(contract_path: &str) -> HashMap<String, String> {
        [
            ("TICKETS_TABLE", "tickets"),
            ("TICKET_CONTRACT", contract_path),
            ("FALLBACK_EMAIL", "support@example.com"),
            ("SENDER_EMAIL", "tickets@example.com"),
            (
                "ALLOWED_ORIGINS",
                "https://help.example.com, http://127.0.0.1:1111/",
            ),
            ("CLIENT_HASH_SALT", "0123456789abcdef"),
            ("UPLOADS_BUCKET", "helpcenter-uploads"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    fn fixture() -> String {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/ticket-contract.json"
        )
        .to_owned()
    }

    #[test]
    fn reads_a_complete_environment_with_defaults() {
        let s = Settings::from_map(&vars(&fixture())).unwrap();
        assert_eq!(s.tickets_table, "tickets");
        assert_eq!(
            s.config.allowed_origins,
            ["https://help.example.com", "http://127.0.0.1:1111"]
        );
        assert_eq!(s.config.rate_limit_per_minute, 10);
        assert_eq!(s.config.max_body_bytes, 65536);
        assert_eq!(
            s.config.store_timeout + s.config.mail_timeout,
            Duration::from_millis(6_500)
        );
        assert_eq!(s.submission_ttl, Duration::from_secs(7 * 86_400));
        assert_eq!(s.uploads_bucket, "helpcenter-uploads");
        assert_eq!(s.config.spool_timeout, Duration::from_millis(1_500));
        assert_eq!(s.ticket_retention, Duration::from_secs(365 * 86_400));
    }

    #[test]
    fn ticket_retention_is_read_and_checked() {
        let mut v = vars(&fixture());
        v.insert("TICKET_RETENTION_DAYS".into(), "30".into());
        let s = Settings::from_map(&v).unwrap();
        assert_eq!(s.ticket_retention, Duration::from_secs(30 * 86_400));
        for bad in ["0", "forever", "3651"] {
            let message = error_with("TICKET_RETENTION_DAYS", Some(bad));
            assert!(
                message.contains("TICKET_RETENTION_DAYS"),
                "{bad}: {message}"
            );
        }
    }

    #[test]
    fn the_spool_settings_are_checked() {
        let message = error_with("UPLOADS_BUCKET", None);
        assert!(
            message.contains("UPLOADS_BUCKET") && message.contains("missing"),
            "{message}"
        );
        for bad in [
            "ab",
            "Uploads",
            "uploads_bucket",
            "-uploads",
            "uploads.",
            "a..b",
        ] {
            let message = error_with("UPLOADS_BUCKET", Some(bad));
            assert!(message.contains("S3 bucket name"), "{bad}: {message}");
        }
        assert!(error_with("S3_TIMEOUT_MS", Some("soon")).contains("S3_TIMEOUT_MS"));
        assert!(error_with("S3_TIMEOUT_MS", Some("50")).contains("from 100 to 8000"));
        // 2500 + 4000 + 6 × 2500 > 19000: the calls must fit the budget one after the other.
        let message = error_with("S3_TIMEOUT_MS", Some("2500"));
        assert!(
            message.contains("S3_TIMEOUT_MS") && message.contains("20 s"),
            "{message}"
        );
        let mut v = vars(&fixture());
        v.insert("S3_TIMEOUT_MS".into(), "2000".into());
        let s = Settings::from_map(&v).unwrap();
        assert_eq!(s.config.spool_timeout, Duration::from_millis(2_000));
        assert_eq!(s.config.uploads_timeout, Duration::from_millis(2_000));
    }

    fn error_with(name: &str, value: Option<&str>) -> String {
        let mut v = vars(&fixture());
        match value {
            Some(value) => v.insert(name.into(), value.into()),
            None => v.remove(name),
        };
        Settings::from_map(&v).unwrap_err().to_string()
    }

    #[test]
    fn clear_messages_for_bad_settings() {
        for name in [
            "TICKETS_TABLE",
            "FALLBACK_EMAIL",
            "SENDER_EMAIL",
            "ALLOWED_ORIGINS",
            "CLIENT_HASH_SALT",
        ] {
            let message = error_with(name, None);
            assert!(
                message.contains(name) && message.contains("missing"),
                "{message}"
            );
        }
        assert!(error_with("FALLBACK_EMAIL", Some("nobody")).contains("plain address"));
        assert!(
            error_with("ALLOWED_ORIGINS", Some("https://help.example.com/path"))
                .contains("no path")
        );
        assert!(error_with("CLIENT_HASH_SALT", Some("short")).contains("16"));
        assert!(error_with("RATE_LIMIT_PER_MINUTE", Some("many")).contains("whole number"));
        assert!(error_with("DYNAMODB_TIMEOUT_MS", Some("8000")).contains("20 s"));
        assert!(error_with("TICKET_CONTRACT", Some("/nonexistent.json")).contains("cannot read"));
    }

    #[test]
    fn refuses_a_contract_with_fields_it_cannot_store() {
        let dir = tempfile::tempdir().unwrap();
        let mut contract = crate::testing::contract();
        contract.fields[0].name = "phone".into();
        let path = dir.path().join("c.json");
        std::fs::write(&path, contract.to_json()).unwrap();
        let message = error_with("TICKET_CONTRACT", Some(path.to_str().unwrap()));
        assert!(message.contains("`phone`"), "{message}");
    }
}
