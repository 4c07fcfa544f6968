//! From a stored ticket to people: the team email to the queue's address and the
//! acknowledgement to the submitter, each sent exactly once, whoever runs it (the stream worker
//! on Lambda, `helpcenter serve` in-process) and however often.
//!
//! For one ticket ([`Notifier::notify`]):
//! 1. Wait until the ticket is `spool_settle` old, then look for its spool entry: one whose
//!    fallback email went out means the team has the ticket already (a write that landed after
//!    the HTTP function gave up on it): the ticket is marked `arrived_via: fallback`.
//! 2. The team email, unless the ticket arrived by fallback: its files first (images fetched
//!    from the bucket, links signed: [`mail_files`], which never fails), then claim it in the
//!    store ([`NoticeStore::claim_notice`]), then send. Not claimed: sent before, skip. A
//!    failed send withdraws the claim and fails the ticket, so a retry sends it. The files come
//!    before the claim so that the claim is held for the send alone: a worker stopped while
//!    holding it would leave the email unsent for good (a repeated delivery fetches them in vain,
//!    which is cheaper).
//! 3. The acknowledgement likewise, when they are on and the ticket has an address, and only if
//!    the address's hourly counter allows (over it: skipped for good, the ticket succeeds).
//! 4. The spool entry, if any, is removed.
//!
//! - `routes.rs`: `QUEUE_ROUTES`; `team.rs`, `ack.rs`: the two emails.

mod ack;
mod routes;
mod team;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

pub use ack::{ack_address, ack_email};
pub use routes::{Routes, RoutesError, OTHER_QUEUES, QUEUE_ROUTES};
pub use team::team_email;

use crate::clock::{parse_rfc3339_ms, rfc3339_ms, Clock};
use crate::contract::TicketContract;
use crate::mail::{mail_files, Email, MailError, Mailer};
use crate::spool::{Spool, SpoolError};
use crate::store::{Notice, NoticeStore, StoreError};
use crate::ticket::{ArrivedVia, Ticket};
use crate::uploads::Uploads;

/// How long an hourly acknowledgement counter is kept (the table's TTL removes it after).
const ACK_COUNTER_LIFETIME: Duration = Duration::from_secs(2 * 3600);

/// The longest a ticket's images are fetched for its team email (then the rest are linked): a
/// batch of ten tickets with a slow bucket still fits the worker's minute.
pub const TEAM_FILES_WITHIN: Duration = Duration::from_secs(3);

/// What notifying needs besides its services.
#[derive(Debug, Clone)]
pub struct NotifyConfig {
    pub contract: Arc<TicketContract>,
    /// The `From` of both emails.
    pub sender_email: String,
    pub routes: Routes,
    /// Acknowledgements per address per hour (`ACK_LIMIT_PER_HOUR`).
    pub ack_limit_per_hour: u32,
    /// How old a ticket must be before its spool entry is trusted to be there if it will be
    /// (`SPOOL_SETTLE_SECONDS`): the HTTP function spools after its fallback email.
    pub spool_settle: Duration,
}

impl NotifyConfig {
    /// For `helpcenter serve`: tickets are notified right after their (local, synchronous) store
    /// write, so there is no late write to wait for.
    pub fn local(contract: Arc<TicketContract>, sender_email: &str, routes: Routes) -> Self {
        NotifyConfig {
            contract,
            sender_email: sender_email.to_owned(),
            routes,
            ack_limit_per_hour: 3,
            spool_settle: Duration::ZERO,
        }
    }
}

/// What happened to one email of a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Sent,
    /// Claimed before: sent, or being sent, by an earlier delivery of the same ticket.
    AlreadyClaimed,
    /// The team has the ticket by the fallback email.
    ArrivedByFallback,
    /// Acknowledgements are off, or the ticket has no address.
    NotWanted,
    /// The address had its acknowledgements for this hour.
    OverLimit,
}

/// The outcome for one ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Notified {
    pub team: Step,
    pub ack: Step,
}

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Spool(#[from] SpoolError),
    #[error("{notice:?} email of {ticket_id}: {source}")]
    Mail {
        notice: Notice,
        ticket_id: String,
        source: MailError,
    },
    #[error("the ticket contract has no email words for language `{0}`")]
    NoWords(String),
}

/// The services notifying uses, borrowed (`helpcenter serve` shares them with its handler).
pub struct Notifier<'a, S, M, P, U, C> {
    pub store: &'a S,
    pub mailer: &'a M,
    pub spool: &'a P,
    /// The ticket's files, for the team email.
    pub uploads: &'a U,
    pub clock: &'a C,
    pub config: &'a NotifyConfig,
}

impl<S: NoticeStore, M: Mailer, P: Spool, U: Uploads, C: Clock> Notifier<'_, S, M, P, U, C> {
    /// Sends what `ticket` still needs (see the module docs); safe to repeat.
    pub async fn notify(&self, ticket: &Ticket) -> Result<Notified, NotifyError> {
        self.settle(ticket).await;
        let id = ticket.ticket_id.as_str();
        let entry = self.spool.get(id).await?;
        let emailed = entry.as_ref().is_some_and(|e| e.fallback_emailed);
        if emailed && ticket.arrived_via.is_none() {
            self.store.set_arrived_via(id, ArrivedVia::Fallback).await?;
        }
        let team = match emailed || ticket.arrived_via == Some(ArrivedVia::Fallback) {
            true => Step::ArrivedByFallback,
            false => self.team(ticket).await?,
        };
        let ack = self.ack(ticket).await?;
        if entry.is_some() {
            self.spool.remove(id).await?;
        }
        Ok(Notified { team, ack })
    }

    /// Sleeps until `ticket` is `spool_settle` old (at most that long).
    async fn settle(&self, ticket: &Ticket) {
        let settle = self.config.spool_settle;
        let Some(received) = parse_rfc3339_ms(&ticket.received_at) else {
            return;
        };
        let age = self
            .clock
            .now()
            .duration_since(received)
            .unwrap_or_default();
        if age < settle {
            tokio::time::sleep(settle - age).await;
        }
    }

    async fn team(&self, ticket: &Ticket) -> Result<Step, NotifyError> {
        let config = self.config;
        let to = config.routes.address(&ticket.queue);
        let now = self.clock.now();
        let files = mail_files(ticket, self.uploads, now, TEAM_FILES_WITHIN).await;
        let email = team_email(
            ticket,
            &config.contract,
            &config.sender_email,
            to,
            now,
            files,
        )
        .ok_or_else(|| NotifyError::NoWords(config.contract.default_language.clone()))?;
        let at = rfc3339_ms(now);
        if !self
            .store
            .claim_notice(&ticket.ticket_id, Notice::Team, &at)
            .await?
        {
            return Ok(Step::AlreadyClaimed);
        }
        self.send_claimed(Notice::Team, &at, &email, ticket).await
    }

    async fn ack(&self, ticket: &Ticket) -> Result<Step, NotifyError> {
        let config = self.config;
        let Some(address) = ack_address(ticket).filter(|_| config.contract.messages.acknowledge)
        else {
            return Ok(Step::NotWanted);
        };
        let reply_to = config.routes.address(&ticket.queue);
        let now = self.clock.now();
        let email = ack_email(
            ticket,
            &config.contract,
            &config.sender_email,
            reply_to,
            now,
        )
        .ok_or_else(|| NotifyError::NoWords(ticket.language.clone()))?;
        let at = rfc3339_ms(now);
        // Claim first, count second: a repeated delivery must not use up the address's count.
        if !self
            .store
            .claim_notice(&ticket.ticket_id, Notice::Ack, &at)
            .await?
        {
            return Ok(Step::AlreadyClaimed);
        }
        let counter = ack_counter(address, now);
        let limit = config.ack_limit_per_hour;
        let counted = self
            .store
            .count_ack(&counter, limit, now + ACK_COUNTER_LIFETIME)
            .await;
        match counted {
            // The claim stays: this acknowledgement is skipped for good.
            Ok(false) => Ok(Step::OverLimit),
            Ok(true) => self.send_claimed(Notice::Ack, &at, &email, ticket).await,
            Err(e) => {
                self.release(Notice::Ack, &at, ticket).await;
                Err(e.into())
            }
        }
    }

    /// Sends a claimed email; on failure withdraws the claim so that a retry sends it.
    async fn send_claimed(
        &self,
        notice: Notice,
        at: &str,
        email: &Email,
        ticket: &Ticket,
    ) -> Result<Step, NotifyError> {
        match self.mailer.send(email).await {
            Ok(()) => Ok(Step::Sent),
            Err(source) => {
                self.release(notice, at, ticket).await;
                Err(NotifyError::Mail {
                    notice,
                    ticket_id: ticket.ticket_id.clone(),
                    source,
                })
            }
        }
    }

    async fn release(&self, notice: Notice, at: &str, ticket: &Ticket) {
        let id = &ticket.ticket_id;
        if let Err(error) = self.store.release_notice(id, notice, at).await {
            // The retry will find the claim and skip: say so loudly, with what to resend.
            tracing::error!(ticket_id = %id, ?notice, %error, "claim not withdrawn: email not sent");
        }
    }
}

/// The hourly counter of `address`: `ack#<32 hex of SHA-256 of the lowercased address>#<hour>`,
/// never the address itself.
pub fn ack_counter(address: &str, now: SystemTime) -> String {
    let digest = Sha256::digest(address.to_lowercase().as_bytes());
    let hour = &rfc3339_ms(now)[..13];
    format!("ack#{}#{hour}", hex::encode(&digest[..16]))
}

#[cfg(test)]
mod tests;
