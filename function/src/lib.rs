//! The ticket function: the typed ticket contract shared with the generator, and the request
//! handler: request → parse → validate → ticket → store | mail → response.
//!
//! # Layout
//!
//! Data flows one way: an entry point (`http/`, `aws/`, `src/bin/`) uses the shared modules at
//! the root; the root never uses an entry point.
//!
//! - Shared, entry-point-neutral: [`contract`] (the form's fields, limits and choices, shared
//!   with the generator), [`config`] (settings), [`clock`], [`ticket`] (a valid submission → the
//!   stored ticket, its id), [`store`] (the [`TicketStore`] trait, [`FileStore`],
//!   [`MemoryStore`]), [`mail`] (the [`Mailer`] trait, the fallback email, a ticket's files
//!   attached or linked, MIME through `mail-builder`, [`FileMailer`], [`MemoryMailer`]), [`spool`] (the [`Spool`] of tickets
//!   the store could not take, [`FileSpool`], [`MemorySpool`]), [`replay`] (spool → store) and
//!   [`uploads`] (attachments' files: the [`Uploads`] trait, [`FileUploads`], [`MemoryUploads`],
//!   where files live, their types sniffed from their bytes).
//! - [`http`]: the HTTP request path — `parse`, `validate` and their field problem `code`s,
//!   `cors`, `ratelimit`, `handler` ([`handle`]) and `response`.
//! - `aws` (feature `aws`): one file per service (`dynamodb`, `ses`, `s3`) behind the small
//!   traits, `http_lambda` (the handler on Lambda) and the SDK's shared timeouts; the AWS SDK is
//!   used nowhere else.
//! - `src/bin/ticket-function.rs` (feature `aws`): the Lambda binary, wiring only.
//! - `testing` (feature `testing`, on for this crate's own tests and benches): shared fixtures.
//!
//! Without the `aws` feature (the generator's `helpcenter serve`), the crate has no AWS SDK and no
//! Lambda runtime: [`handle`] runs with [`FileStore`], [`FileMailer`] and [`FileSpool`].

pub mod clock;
pub mod config;
pub mod contract;
#[cfg(feature = "helpdesk")]
pub mod helpdesk;
pub mod http;
pub mod mail;
pub mod notify;
pub mod replay;
pub mod spool;
pub mod store;
pub mod ticket;
pub mod uploads;
pub mod worker;

#[cfg(feature = "aws")]
pub mod aws;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{Config, Settings};
pub use http::{handle, ClientAddr, Code, Deps, RequestId};
pub use mail::{FileMailer, Mailer, MemoryMailer};
pub use replay::{replay_spool, ReplayReport};
pub use spool::{FileSpool, MemorySpool, Spool, SpoolEntry};
pub use store::{
    DeskStore, FeedbackStore, FileStore, MemoryStore, Notice, NoticeStore, TicketStore,
};
pub use ticket::{Attachment, Submission, Ticket};
pub use uploads::{FileUploads, MemoryUploads, Uploads};

#[cfg(test)]
mod send_check {
    use super::*;

    fn assert_send<T: Send>(_: T) {}

    /// `helpcenter serve` runs the handler on a multi-threaded runtime: its future must be `Send`.
    #[allow(dead_code)]
    fn handler_future_is_send(
        deps: &Deps<FileStore, FileMailer, FileSpool, FileUploads, SystemClock>,
    ) {
        assert_send(handle(::http::Request::new(bytes::Bytes::new()), deps));
    }
}
