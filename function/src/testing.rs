//! Shared fixtures for this crate's unit tests, integration tests and benches (feature
//! `testing`, which the crate's own dev-dependency on itself turns on): the example contract, a
//! valid submission, a ticket and its fallback email, and the handler's and the worker's
//! dependencies in memory.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;

use crate::clock::ManualClock;
use crate::config::Config;
use crate::contract::TicketContract;
use crate::http::Deps;
use crate::mail::{fallback_email, Email, MailFiles, MemoryMailer};
use crate::notify::{NotifyConfig, Routes};
use crate::spool::MemorySpool;
use crate::store::MemoryStore;
use crate::ticket::{Attachment, Ticket};
use crate::uploads::{MemoryUploads, Peek, Slot, UploadError, Uploads};
use crate::worker::WorkerDeps;

/// The site origin the memory handler allows.
pub const SITE: &str = "https://help.example.com";

pub type MemoryDeps = Deps<MemoryStore, MemoryMailer, MemorySpool, MemoryUploads, ManualClock>;
pub type MemoryWorker =
    WorkerDeps<MemoryStore, MemoryMailer, MemorySpool, MemoryUploads, ManualClock>;

/// The handler's dependencies in memory on a clock that stands still, allowing [`SITE`], with
/// `rate_limit_per_minute` posts per client (0: no limit).
pub fn memory_deps(rate_limit_per_minute: u32) -> MemoryDeps {
    let mut config = Config::local(contract(), vec![SITE.into()]);
    config.rate_limit_per_minute = rate_limit_per_minute;
    Deps::new(
        MemoryStore::new(),
        MemoryMailer::new(),
        MemorySpool::new(),
        MemoryUploads::new(),
        ManualClock::at_fixed_instant(),
        config,
    )
}

/// The worker's dependencies in memory, every queue routed to `support@example.com`, sending
/// from `tickets@example.com`.
pub fn memory_worker() -> MemoryWorker {
    let routes = Routes::fallback_only("support@example.com");
    WorkerDeps {
        store: MemoryStore::new(),
        mailer: MemoryMailer::new(),
        spool: MemorySpool::new(),
        uploads: MemoryUploads::new(),
        clock: ManualClock::at_fixed_instant(),
        config: NotifyConfig::local(Arc::new(contract()), "tickets@example.com", routes),
    }
}

/// The example contract in `tests/fixtures/ticket-contract.json`.
pub const CONTRACT_JSON: &str = include_str!("../tests/fixtures/ticket-contract.json");

pub fn contract() -> TicketContract {
    match TicketContract::from_json(CONTRACT_JSON) {
        Ok(contract) => contract,
        Err(e) => panic!("the fixture contract is broken: {e}"),
    }
}

/// A submission that passes validation against [`contract`].
pub fn valid_json() -> serde_json::Value {
    serde_json::json!({
        "submission_id": "0f8b1c2e-5a6d-4e7f-9a0b-1c2d3e4f5a6b",
        "language": "en",
        "audience": "users",
        "category": "billing",
        "subcategory": "refunds",
        "username": "ada",
        "email": "ada@example.org",
        "subject": "Refund for order 1234 missing",
        "description": "I asked for a refund on 2 January and nothing arrived yet.\nOrder 1234.",
        "page": "/en/users/billing/refunds/",
        "website": "",
        "elapsed_ms": 42000
    })
}

/// A stored ticket of the `users/billing/refunds` choice, from `ada@example.org`.
pub fn ticket(id: &str, submission: &str, queue: &str, received_at: &str) -> Ticket {
    Ticket {
        ticket_id: id.into(),
        submission_id: submission.into(),
        received_at: received_at.into(),
        language: "en".into(),
        audience: "users".into(),
        category: "billing".into(),
        subcategory: Some("refunds".into()),
        queue: queue.into(),
        username: None,
        email: Some("ada@example.org".into()),
        subject: "Refund missing".into(),
        description: "Nothing arrived.".into(),
        page: None,
        status: "open".into(),
        client_hash: "00".into(),
        arrived_via: None,
        attachments: Vec::new(),
        attachments_failed: Vec::new(),
    }
}

/// The fallback email of a [`ticket`] with `subject` and a description that needs encoding.
pub fn email(subject: &str) -> Email {
    let mut t = ticket(
        "HC-01JGM1ABC-X4KM",
        "sub-a-0001",
        "billing",
        "2025-01-02T03:04:05.678Z",
    );
    t.subject = subject.into();
    t.description = "Line one\nLíne two with = sign and trailing space \nLast".into();
    fallback_email(
        &t,
        &contract(),
        "tickets@example.com",
        "support@example.com",
        SystemTime::UNIX_EPOCH,
        MailFiles::default(),
    )
}

/// A real 1×1 PNG (67 bytes, `tests/fixtures/pixel.png`), for attachments.
pub const PNG: &[u8] = include_bytes!("../tests/fixtures/pixel.png");

/// Stores `bytes` as the next file of `ticket` in `uploads`, where the handler would have
/// moved it (`tickets/<ticket_id>/<upload id>/<name>`), and lists it in the ticket.
pub async fn attach<U: Uploads>(
    uploads: &U,
    ticket: &mut Ticket,
    name: &str,
    bytes: impl Into<Bytes>,
    content_type: &str,
) {
    let bytes = bytes.into();
    let upload_id = format!("{:010}", ticket.attachments.len());
    let key = crate::uploads::ticket_key(&ticket.ticket_id, &upload_id, name);
    let size = bytes.len() as u64;
    if let Err(e) = uploads.put(&key, bytes, content_type, name).await {
        panic!("the test bucket took no file: {e}");
    }
    ticket.attachments.push(Attachment {
        key,
        name: name.into(),
        size,
        content_type: content_type.into(),
    });
}

/// A bucket whose downloads never answer (S3 accepting and going silent) while everything else,
/// links included (signed locally), works as [`MemoryUploads`].
pub struct SilentGets(pub MemoryUploads);

impl Uploads for SilentGets {
    fn slot(
        &self,
        key: &str,
        size: u64,
        content_type: &str,
        expires: Duration,
    ) -> impl Future<Output = Result<Slot, UploadError>> + Send {
        self.0.slot(key, size, content_type, expires)
    }

    fn peek(&self, key: &str) -> impl Future<Output = Result<Option<Peek>, UploadError>> + Send {
        self.0.peek(key)
    }

    fn get(&self, _: &str) -> impl Future<Output = Result<Option<Bytes>, UploadError>> + Send {
        std::future::pending()
    }

    fn put(
        &self,
        key: &str,
        bytes: Bytes,
        content_type: &str,
        name: &str,
    ) -> impl Future<Output = Result<(), UploadError>> + Send {
        self.0.put(key, bytes, content_type, name)
    }

    fn copy(
        &self,
        from: &str,
        to: &str,
        content_type: &str,
        name: &str,
    ) -> impl Future<Output = Result<(), UploadError>> + Send {
        self.0.copy(from, to, content_type, name)
    }

    fn delete(&self, key: &str) -> impl Future<Output = Result<(), UploadError>> + Send {
        self.0.delete(key)
    }

    fn list(&self, prefix: &str) -> impl Future<Output = Result<Vec<String>, UploadError>> + Send {
        self.0.list(prefix)
    }

    fn direct_link(
        &self,
        key: &str,
        expires: Duration,
    ) -> impl Future<Output = Result<String, UploadError>> + Send {
        self.0.direct_link(key, expires)
    }
}
