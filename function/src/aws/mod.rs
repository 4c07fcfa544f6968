//! The AWS side (feature `aws`), one file per service behind the crate's small traits:
//! [`dynamodb`] keeps tickets ([`TicketStore`](crate::TicketStore)), [`ses`] sends email
//! ([`Mailer`](crate::Mailer)), [`s3`] keeps the fallback spool ([`Spool`](crate::Spool)) and
//! [`uploads`] the attachments ([`Uploads`](crate::Uploads)) in the same bucket,
//! [`http_lambda`] serves [`handle`](crate::handle) on Lambda, [`stream`] turns the table's
//! stream events into the ticket worker's records. This
//! file holds what every SDK client shares: the environment's settings, short explicit timeouts
//! and few retries, so a slow service leaves time for the fallback. The AWS SDK is used nowhere
//! else in the crate.

use std::time::Duration;

pub use aws_config;
pub use aws_sdk_dynamodb;
pub use aws_sdk_s3;
pub use aws_sdk_sesv2;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};

pub mod dynamodb;
pub mod http_lambda;
pub mod s3;
pub mod ses;
pub mod uploads;

pub use dynamodb::{dynamodb_config, DynamoStore, PARTITION_KEY, QUEUE_INDEX, TTL_ATTRIBUTE};
pub use s3::{s3_config, S3Spool};
pub use ses::{sesv2_config, SesMailer};
pub use uploads::S3Uploads;

/// The SDK's shared settings from the standard environment (`AWS_REGION`, credentials,
/// `AWS_ENDPOINT_URL[_DYNAMODB|_SESV2|_S3]`).
pub async fn load_sdk_config() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest()).load().await
}

/// Two attempts at most, with a short backoff: a slow service must leave time for the fallback.
pub fn retry_config() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(2)
        .with_initial_backoff(Duration::from_millis(50))
        .with_max_backoff(Duration::from_millis(200))
}

/// Timeouts that fit `operation` (all attempts included). The SDK has none by default: a server
/// that accepts and never answers would hang the call for the whole Lambda budget.
pub fn timeout_config(operation: Duration) -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout((operation / 5).min(Duration::from_millis(500)))
        .read_timeout(operation * 2 / 5)
        .operation_attempt_timeout(operation * 2 / 5)
        .operation_timeout(operation)
        .build()
}

/// JSON lines on stdout (CloudWatch reads them), for both binaries; each carries the current
/// span. `RUST_LOG` filters (default `info`). No timestamps: CloudWatch stamps every line.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(true)
        .with_span_list(false)
        .with_target(false)
        .without_time()
        .init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_fit_the_budget() {
        let t = timeout_config(Duration::from_millis(2500));
        assert_eq!(t.operation_timeout(), Some(Duration::from_millis(2500)));
        assert_eq!(
            t.operation_attempt_timeout(),
            Some(Duration::from_millis(1000))
        );
        assert_eq!(t.connect_timeout(), Some(Duration::from_millis(500)));
    }
}
