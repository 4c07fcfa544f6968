//! Attachments' files in the private uploads bucket. The handler and the worker only know the
//! [`Uploads`] trait; S3 (feature `aws`, in `aws/uploads.rs`), memory (tests) and a folder
//! (`helpcenter serve`, `.helpcenter/uploads/`) implement it.
//!
//! - `key.rs`: where files live — `pending/<submission_id>/<upload_id>/<name>` while the ticket
//!   is being written, `tickets/<ticket_id>/<upload_id>/<name>` once it is — and the one rule for
//!   a file name we keep.
//! - `sniff.rs`: a file's type from its first bytes (never from its name or the browser's claim).
//! - `check.rs`: one file against the contract's limits.
//! - `memory.rs`, `file.rs`: the local buckets.
//! - `link.rs`: the emails' links, to the HTTP function, which redirects to the bucket.
//! - `signed.rs`: the HMAC signature of serve's slots and links and of the emails' links.

mod check;
mod file;
mod key;
mod link;
mod memory;
mod signed;
mod sniff;

use std::future::Future;
use std::time::Duration;

use bytes::Bytes;

pub use check::{check_file, check_size};
pub use file::{FileUploads, ReceiveError};
pub use key::{
    is_ticket_key, new_upload_id, pending_prefix, safe_name, ticket_key, PendingKey,
    PENDING_PREFIX, TICKETS_PREFIX,
};
pub use link::{LinkError, LinkSigner};
pub use memory::MemoryUploads;
pub use sniff::{sniff, SNIFF_BYTES};

/// How long an upload slot's URL stays valid: enough for a 20 MiB file on a slow line.
pub const SLOT_EXPIRY: Duration = Duration::from_secs(15 * 60);

/// How long the links in the team's emails stay valid (`helpdesk show` prints fresh ones).
pub const LINK_EXPIRY: Duration = Duration::from_secs(7 * 24 * 3600);

/// How long the bucket's URL that an opened link redirects to stays valid: enough to start the
/// download, short enough that a URL copied from the browser is soon useless.
pub const DIRECT_LINK_EXPIRY: Duration = Duration::from_secs(5 * 60);

/// Where and how the browser sends one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// Takes exactly one `PUT` of the file.
    pub url: String,
    /// Headers the `PUT` must carry as they are (they are signed).
    pub headers: Vec<(String, String)>,
}

/// What the checks need of a stored file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peek {
    pub size: u64,
    /// Its first [`SNIFF_BYTES`] bytes (all of a shorter file).
    pub head: Bytes,
}

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The bucket could not be reached or refused (timeouts, throttling, 5xx…).
    #[error("uploads bucket unavailable: {0}")]
    Unavailable(String),
    #[error("uploads folder {path}: {source}")]
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

/// A bucket of files. Futures are `Send` so a multi-threaded server can hold them.
pub trait Uploads: Send + Sync + 'static {
    /// A URL that takes one `PUT` of `size` bytes of `content_type` at `key` for `expires`.
    fn slot(
        &self,
        key: &str,
        size: u64,
        content_type: &str,
        expires: Duration,
    ) -> impl Future<Output = Result<Slot, UploadError>> + Send;

    /// The file's size and first bytes; `None` when there is no such file.
    fn peek(&self, key: &str) -> impl Future<Output = Result<Option<Peek>, UploadError>> + Send;

    /// The whole file; `None` when there is none.
    fn get(&self, key: &str) -> impl Future<Output = Result<Option<Bytes>, UploadError>> + Send;

    /// Stores a file as an attachment: `content_type` (the sniffed one) and `name` are what a
    /// download gets (`Content-Disposition: attachment`), so no file is ever shown as a page.
    fn put(
        &self,
        key: &str,
        bytes: Bytes,
        content_type: &str,
        name: &str,
    ) -> impl Future<Output = Result<(), UploadError>> + Send;

    /// Copies `from` to `to` as [`Uploads::put`] would store it.
    fn copy(
        &self,
        from: &str,
        to: &str,
        content_type: &str,
        name: &str,
    ) -> impl Future<Output = Result<(), UploadError>> + Send;

    /// Removes a file; a missing one is fine.
    fn delete(&self, key: &str) -> impl Future<Output = Result<(), UploadError>> + Send;

    /// Every key under `prefix`, in byte order.
    fn list(&self, prefix: &str) -> impl Future<Output = Result<Vec<String>, UploadError>> + Send;

    /// A URL straight to the bucket that downloads `key` for `expires` (or less: a presigned S3
    /// URL dies with the credentials that signed it).
    fn direct_link(
        &self,
        key: &str,
        expires: Duration,
    ) -> impl Future<Output = Result<String, UploadError>> + Send;

    /// A URL for people (the emails) that downloads `key` for `expires`. Unless the bucket knows
    /// better (S3 with a [`LinkSigner`]: a link to the HTTP function), the direct link.
    fn link(
        &self,
        key: &str,
        expires: Duration,
    ) -> impl Future<Output = Result<String, UploadError>> + Send {
        self.direct_link(key, expires)
    }
}

/// `Content-Disposition: attachment` with the name as RFC 6266 / RFC 5987 want it: an ASCII
/// fallback and the UTF-8 name percent-encoded, so no name can break out of the header.
pub fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' && c != '%' => c,
            _ => '_',
        })
        .collect();
    let encoded = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disposition_cannot_break_its_header() {
        let d = content_disposition("a\"b\r\nX: 1 ça.png");
        assert!(!d.contains('\r') && !d.contains('\n'));
        assert!(
            d.starts_with("attachment; filename=\"a_b__X: 1 _a.png\";"),
            "{d}"
        );
        assert!(
            d.ends_with("filename*=UTF-8''a%22b%0D%0AX%3A%201%20%C3%A7a%2Epng"),
            "{d}"
        );
    }
}
