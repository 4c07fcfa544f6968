//! Emails. The handler only knows the [`Mailer`] trait and the [`Email`] it sends; SES (feature
//! `aws`, in `aws/ses.rs`), memory (tests) and `.eml` files (`helpcenter serve`) implement it.
//!
//! - `address.rs`: the one rule for an address we can write into a header and reply to.
//! - `fallback.rs`: step 4b, the fallback email for a ticket the store could not take.
//! - `files.rs`: a ticket's files for the team or the fallback email, attached or linked.
//! - `mime.rs`: an [`Email`] as RFC 5322 + MIME bytes, built with `mail-builder`.
//! - `text.rs`: the `{name}` placeholders of the contract's email strings.
//! - `file.rs`, `memory.rs`: the local mailers.

mod address;
mod fallback;
mod file;
mod files;
mod memory;
mod mime;
mod text;

use std::future::Future;
use std::path::PathBuf;
use std::time::SystemTime;

use bytes::Bytes;

use crate::contract::FileType;

pub use address::is_valid_email;
pub use fallback::{fallback_email, plain_text_body};
pub use file::FileMailer;
pub(crate) use files::date_text;
pub use files::{mail_files, Carried, Listed, MailFiles};
pub use memory::MemoryMailer;
pub(crate) use text::fill;

/// One plain-text email, with files attached or not, ready to be written as MIME.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub from: String,
    pub to: String,
    /// The submitter, so that support answers them by replying.
    pub reply_to: Option<String>,
    /// Any text: [`Email::to_mime`] encodes it so it can never break out of its header.
    pub subject: String,
    /// Plain text with `\n` line breaks.
    pub text: String,
    pub date: SystemTime,
    /// Unique left part of the `Message-ID` (also the `.eml` file name).
    pub id: String,
    /// None: the message is the text alone; some: `multipart/mixed`, the text first.
    pub attachments: Vec<EmailAttachment>,
}

/// A file attached to an email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAttachment {
    /// Any text: [`Email::to_mime`] encodes it so it can never break out of its header.
    pub name: String,
    /// One of ours, never a type from input, so its header needs no escaping.
    pub file_type: FileType,
    pub bytes: Bytes,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("email could not be sent: {0}")]
    Unavailable(String),
    /// The mail service took the request but did not answer in time: it may still deliver it.
    #[error("email service did not answer in time (it may still deliver): {0}")]
    TimedOut(String),
    #[error("email file {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

pub trait Mailer: Send + Sync + 'static {
    fn send(&self, email: &Email) -> impl Future<Output = Result<(), MailError>> + Send;
}
