//! The fallback spool in S3: the [`Spool`] of the Lambdas. One JSON object per ticket at
//! `spool/<ticket_id>.json` in the private uploads bucket (`UPLOADS_BUCKET`; the bucket's own
//! default encryption and public access block apply, so no ACL or encryption header is sent).

use std::time::Duration;

use aws_config::SdkConfig;
use aws_sdk_s3::error::DisplayErrorContext;
use aws_sdk_s3::primitives::ByteStream;

use super::{retry_config, timeout_config};
use crate::spool::{Spool, SpoolEntry, SpoolError, SPOOL_PREFIX};

/// An S3 client builder with the function's timeouts and retries. Path-style addressing
/// (`https://<endpoint>/<bucket>/<key>`): it works on AWS and against a local endpoint from
/// `AWS_ENDPOINT_URL` (moto), where virtual-hosted bucket names would not resolve.
pub fn s3_config(shared: &SdkConfig, operation: Duration) -> aws_sdk_s3::config::Builder {
    aws_sdk_s3::config::Builder::from(shared)
        .force_path_style(true)
        .timeout_config(timeout_config(operation))
        .retry_config(retry_config())
}

/// Every key under `prefix`, page by page, in byte order; the error as text.
pub(super) async fn list_keys(
    client: &aws_sdk_s3::Client,
    bucket: &str,
    prefix: &str,
) -> Result<Vec<String>, String> {
    let mut keys = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .list_objects_v2()
            .bucket(bucket)
            .prefix(prefix)
            .set_continuation_token(token)
            .send()
            .await
            .map_err(|e| DisplayErrorContext(&e).to_string())?;
        let found = page.contents().iter().filter_map(|o| o.key());
        keys.extend(found.map(str::to_owned));
        token = page.next_continuation_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    // S3 lists keys in byte order already; sorting keeps the promise whatever the listing.
    keys.sort();
    Ok(keys)
}

/// Spool entries in an S3 bucket under [`SPOOL_PREFIX`].
#[derive(Debug, Clone)]
pub struct S3Spool {
    client: aws_sdk_s3::Client,
    bucket: String,
}

impl S3Spool {
    pub fn new(client: aws_sdk_s3::Client, bucket: &str) -> Self {
        S3Spool {
            client,
            bucket: bucket.to_owned(),
        }
    }
}

fn unavailable<E: std::error::Error + 'static>(err: E) -> SpoolError {
    SpoolError::Unavailable(DisplayErrorContext(&err).to_string())
}

/// `spool/HC-….json` → `HC-…`; other keys under the prefix are not entries.
fn ticket_id_of(key: &str) -> Option<&str> {
    key.strip_prefix(SPOOL_PREFIX)?
        .strip_suffix(".json")
        .filter(|id| !id.is_empty() && !id.contains('/'))
}

impl Spool for S3Spool {
    async fn put(&self, entry: &SpoolEntry) -> Result<(), SpoolError> {
        let json = serde_json::to_vec(entry).expect("an entry is plain data");
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(SpoolEntry::key(&entry.ticket.ticket_id))
            .content_type("application/json")
            .body(ByteStream::from(json))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn get(&self, ticket_id: &str) -> Result<Option<SpoolEntry>, SpoolError> {
        let key = SpoolEntry::key(ticket_id);
        let result = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(&key)
            .send()
            .await;
        let output = match result {
            Ok(output) => output,
            Err(err) if err.as_service_error().is_some_and(|e| e.is_no_such_key()) => {
                return Ok(None)
            }
            Err(err) => return Err(unavailable(err)),
        };
        let bytes = output.body.collect().await.map_err(unavailable)?;
        serde_json::from_slice(&bytes.into_bytes())
            .map(Some)
            .map_err(|e| SpoolError::Corrupt {
                key,
                message: e.to_string(),
            })
    }

    async fn list(&self) -> Result<Vec<String>, SpoolError> {
        let keys = list_keys(&self.client, &self.bucket, SPOOL_PREFIX)
            .await
            .map_err(SpoolError::Unavailable)?;
        Ok(keys
            .iter()
            .filter_map(|k| ticket_id_of(k))
            .map(str::to_owned)
            .collect())
    }

    async fn remove(&self, ticket_id: &str) -> Result<(), SpoolError> {
        // DeleteObject of a missing key succeeds: removing twice is fine, as the trait wants.
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(SpoolEntry::key(ticket_id))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_entry_keys_name_tickets() {
        assert_eq!(
            ticket_id_of("spool/HC-000000001-AAAA.json"),
            Some("HC-000000001-AAAA")
        );
        for other in [
            "spool/.json",
            "spool/a/b.json",
            "spool/x.txt",
            "uploads/x.json",
        ] {
            assert_eq!(ticket_id_of(other), None, "{other}");
        }
    }

    #[test]
    fn the_client_has_explicit_timeouts() {
        let shared = SdkConfig::builder().build();
        let config = s3_config(&shared, Duration::from_millis(1500)).build();
        let timeouts = config.timeout_config().expect("timeouts");
        // (Path-style addressing has no getter: the moto tests in tests/spool.rs need it.)
        assert_eq!(
            timeouts.operation_timeout(),
            Some(Duration::from_millis(1500))
        );
    }
}
