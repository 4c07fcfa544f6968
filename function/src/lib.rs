//! The ticket function: the typed ticket contract shared with the generator, and the request
//! handler: request → [`parse`] → [`validate`] → [`ticket`] → [`store`] | [`mail`] → response.
//!
//! Without the `aws` feature (the generator's `helpcenter serve`), the crate has no AWS SDK and no
//! Lambda runtime: [`handler::handle`] runs with [`store::FileStore`] and [`mail::FileMailer`].

pub mod clock;
pub mod config;
pub mod contract;
pub mod cors;
pub mod handler;
pub mod mail;
pub mod parse;
pub mod ratelimit;
pub mod store;
#[doc(hidden)]
pub mod testing;
pub mod ticket;
pub mod validate;

#[cfg(feature = "aws")]
pub mod aws;

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{Config, Settings};
pub use handler::{handle, ClientAddr, Deps, RequestId};
pub use mail::{FileMailer, Mailer, MemoryMailer};
pub use store::{FileStore, MemoryStore, TicketStore};
pub use ticket::Ticket;

#[cfg(test)]
mod send_check {
    use super::*;

    fn assert_send<T: Send>(_: T) {}

    /// `helpcenter serve` runs the handler on a multi-threaded runtime: its future must be `Send`.
    #[allow(dead_code)]
    fn handler_future_is_send(deps: &Deps<FileStore, FileMailer, SystemClock>) {
        assert_send(handle(http::Request::new(bytes::Bytes::new()), deps));
    }
}
