//! The HTTP entry point: one POST of the ticket form → one answer.
//!
//! request → [`parse`] (media type, size, body → raw fields) → [`validate`] (raw fields → a
//! [`Submission`](crate::ticket::Submission), or one [`Code`] per field) → [`handler`] (rate
//! limit, ticket, store | `fallback.rs`: email, then spool) → `response.rs` (JSON or a `303`
//! redirect), with
//! [`cors`] and [`ratelimit`] around it. [`handle`] is a plain async function over `http` types:
//! the Lambda adapter (`aws`), `helpcenter serve`, the tests and the bench all run it.

pub mod code;
pub mod cors;
mod fallback;
pub mod handler;
pub mod parse;
pub mod ratelimit;
mod response;
pub mod validate;

pub use code::{Code, FieldErrors};
pub use handler::{handle, ClientAddr, Deps, RequestId};
