//! The HTTP entry point: one POST of the ticket form (or of an upload slot request) → one answer.
//!
//! request → [`parse`] (media type, size, body → raw fields; `multipart.rs` for the form's
//! files) → [`validate`] (raw fields → a [`Submission`](crate::ticket::Submission), or one
//! [`Code`] per field) → `attach.rs` (the files checked, then moved in with the ticket) →
//! [`handler`] (rate limit, ticket) → `save.rs` (store | `fallback.rs`: email, then spool) →
//! `response.rs` (JSON or a `303` redirect), with [`cors`] and [`ratelimit`] around it. `slot.rs` answers the
//! `uploads` sibling path: a presigned `PUT` for one file; `files.rs` the `files` sibling: an
//! emailed link to a ticket's file, redirected to the bucket; [`feedback`] the `feedback`
//! sibling: votes and missed searches, counted. [`handle`] is a plain async function
//! over `http` types: the Lambda adapter (`aws`), `helpcenter serve`, the tests and the bench all
//! run it.

mod attach;
pub mod code;
pub mod cors;
mod fallback;
pub mod feedback;
mod files;
pub mod handler;
mod multipart;
pub mod parse;
pub mod ratelimit;
mod recent;
mod response;
mod save;
mod slot;
pub mod validate;

pub use code::{Code, FieldErrors};
pub use handler::{handle, ClientAddr, Deps, RequestId};
