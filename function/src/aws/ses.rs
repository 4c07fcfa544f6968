//! Email through SES v2: the [`Mailer`] of the Lambda.

use std::time::Duration;

use aws_config::SdkConfig;
use aws_sdk_sesv2::config::retry::RetryConfig;
use aws_sdk_sesv2::error::{DisplayErrorContext, SdkError};
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{Destination, EmailContent, RawMessage};

use super::timeout_config;
use crate::mail::{Email, MailError, Mailer};

/// An SES v2 client builder with the function's timeouts; tests add an endpoint.
///
/// One attempt per email: SendEmail is not idempotent, and an attempt that timed out may still be
/// delivered, so a retry can send the email twice (the load test saw fallback emails arrive
/// twice), and its error hides that the first may be on its way ([`send_error`] could call a
/// delivered email failed). Callers handle a failure: the fallback spools the ticket unsent for
/// the worker, and the worker's record fails and Lambda retries it (the notify protocol makes
/// that safe).
pub fn sesv2_config(shared: &SdkConfig, operation: Duration) -> aws_sdk_sesv2::config::Builder {
    aws_sdk_sesv2::config::Builder::from(shared)
        .timeout_config(timeout_config(operation))
        .retry_config(RetryConfig::disabled())
}

/// Sends emails through SES v2 as raw MIME, so `Reply-To` and the encoded subject arrive as built.
#[derive(Debug, Clone)]
pub struct SesMailer {
    client: aws_sdk_sesv2::Client,
}

impl SesMailer {
    pub fn new(client: aws_sdk_sesv2::Client) -> Self {
        SesMailer { client }
    }
}

impl Mailer for SesMailer {
    async fn send(&self, email: &Email) -> Result<(), MailError> {
        let raw = RawMessage::builder()
            .data(Blob::new(email.to_mime()))
            .build()
            .map_err(|e| MailError::Unavailable(e.to_string()))?;
        self.client
            .send_email()
            .from_email_address(&email.from)
            .destination(Destination::builder().to_addresses(&email.to).build())
            .content(EmailContent::builder().raw(raw).build())
            .send()
            .await
            .map_err(send_error)?;
        Ok(())
    }
}

/// A timeout (or an unreadable answer) after the request went out may still be delivered: the
/// fallback counts it as sent. A refused connection or an SES error is a plain failure.
fn send_error<E, R>(err: SdkError<E, R>) -> MailError
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let maybe_sent = match &err {
        SdkError::TimeoutError(_) | SdkError::ResponseError(_) => true,
        SdkError::DispatchFailure(failure) => failure.is_timeout(),
        _ => false,
    };
    let message = DisplayErrorContext(&err).to_string();
    match maybe_sent {
        true => MailError::TimedOut(message),
        false => MailError::Unavailable(message),
    }
}
