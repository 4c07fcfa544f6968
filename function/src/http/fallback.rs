//! The store failed (an error or its timeout): the ticket goes to the fallback address by email,
//! then into the spool, from which the worker's schedule moves it into the table later.
//!
//! The email goes first because the spool entry records whether it went out
//! (`fallback_emailed`), which is what keeps the team from getting the ticket twice. An email
//! that timed out counts as sent: SES may still deliver it, and a possible duplicate is better
//! than a loss. The answer is `202` when the email was sent (`"emailed"`) or, failing that, the
//! spool took the ticket (`"spooled"`); `503` only when neither is known to have it.
//!
//! The email carries the ticket's files like the team email ([`mail_files`]): fetching its
//! images takes at most a quarter of `mail_timeout` and the send the rest, so the fallback stays
//! within the budget the settings check.

use super::handler::Deps;
use super::response::Saved;
use crate::clock::Clock;
use crate::mail::{fallback_email, mail_files, MailError, Mailer};
use crate::spool::{Spool, SpoolEntry};
use crate::store::TicketStore;
use crate::ticket::Ticket;
use crate::uploads::Uploads;

/// What became of the fallback email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Emailed {
    Sent,
    /// No answer in time: it may still arrive.
    TimedOut,
    Failed,
}

/// Email, then spool; see the module docs for the answer.
pub(super) async fn fall_back<S: TicketStore, M: Mailer, P: Spool, U: Uploads, C: Clock>(
    ticket: &Ticket,
    deps: &Deps<S, M, P, U, C>,
) -> Saved {
    let emailed = email(ticket, deps).await;
    let entry = SpoolEntry {
        ticket: ticket.clone(),
        fallback_emailed: emailed != Emailed::Failed,
    };
    let spooled = spool(&entry, deps).await;
    let id = ticket.ticket_id.clone();
    match (emailed, spooled) {
        (Emailed::Sent, _) => Saved::Emailed(id),
        (_, true) => Saved::Spooled(id),
        (_, false) => {
            tracing::error!(ticket_id = %id, "neither email nor spool has the ticket: client told");
            Saved::Lost
        }
    }
}

async fn email<S: TicketStore, M: Mailer, P: Spool, U: Uploads, C: Clock>(
    ticket: &Ticket,
    deps: &Deps<S, M, P, U, C>,
) -> Emailed {
    let config = &deps.config;
    let started = tokio::time::Instant::now();
    let now = deps.clock.now();
    let files = mail_files(ticket, &deps.uploads, now, config.mail_timeout / 4).await;
    let email = fallback_email(
        ticket,
        &config.contract,
        &config.sender_email,
        &config.fallback_email,
        now,
        files,
    );
    let left = config.mail_timeout.saturating_sub(started.elapsed());
    match tokio::time::timeout(left, deps.mailer.send(&email)).await {
        Ok(Ok(())) => {
            tracing::warn!(outcome = "emailed", ticket_id = %ticket.ticket_id, "ticket sent to the fallback address");
            Emailed::Sent
        }
        Ok(Err(MailError::TimedOut(error))) => {
            tracing::error!(error = %error, ticket_id = %ticket.ticket_id, "fallback email timed out: counted as sent, it may still arrive");
            Emailed::TimedOut
        }
        Ok(Err(error)) => {
            tracing::error!(error = %error, ticket_id = %ticket.ticket_id, "fallback email failed");
            Emailed::Failed
        }
        Err(_) => {
            tracing::error!(
                timeout_ms = config.mail_timeout.as_millis() as u64,
                ticket_id = %ticket.ticket_id,
                "fallback email timed out: counted as sent, it may still arrive"
            );
            Emailed::TimedOut
        }
    }
}

/// Whether the spool took the entry.
async fn spool<S: TicketStore, M: Mailer, P: Spool, U: Uploads, C: Clock>(
    entry: &SpoolEntry,
    deps: &Deps<S, M, P, U, C>,
) -> bool {
    let timeout = deps.config.spool_timeout;
    let ticket_id = &entry.ticket.ticket_id;
    match tokio::time::timeout(timeout, deps.spool.put(entry)).await {
        Ok(Ok(())) => {
            tracing::warn!(outcome = "spooled", ticket_id = %ticket_id, fallback_emailed = entry.fallback_emailed, "ticket spooled");
            true
        }
        Ok(Err(error)) => {
            tracing::error!(error = %error, ticket_id = %ticket_id, "spool write failed");
            false
        }
        Err(_) => {
            tracing::error!(timeout_ms = timeout.as_millis() as u64, ticket_id = %ticket_id, "spool write timed out");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::time::Duration;

    use super::*;
    use crate::clock::ManualClock;
    use crate::config::Config;
    use crate::mail::{Email, MemoryMailer};
    use crate::spool::MemorySpool;
    use crate::store::MemoryStore;
    use crate::testing::{attach, contract, ticket, SilentGets, PNG};
    use crate::uploads::MemoryUploads;

    /// A mailer that never answers, like SES accepting and going silent.
    struct SilentMailer;

    impl Mailer for SilentMailer {
        fn send(&self, _: &Email) -> impl Future<Output = Result<(), MailError>> + Send {
            std::future::pending()
        }
    }

    /// A mailer whose service timed out itself (the SDK's own timeouts).
    struct TimingOutMailer;

    impl Mailer for TimingOutMailer {
        async fn send(&self, _: &Email) -> Result<(), MailError> {
            Err(MailError::TimedOut("operation timeout".into()))
        }
    }

    fn deps<M: Mailer>(mailer: M) -> Deps<MemoryStore, M, MemorySpool, MemoryUploads, ManualClock> {
        deps_with(mailer, MemoryUploads::new())
    }

    fn deps_with<M: Mailer, U: Uploads>(
        mailer: M,
        uploads: U,
    ) -> Deps<MemoryStore, M, MemorySpool, U, ManualClock> {
        let mut config = Config::local(contract(), vec!["https://help.example.com".into()]);
        config.mail_timeout = Duration::from_millis(20);
        Deps::new(
            MemoryStore::new(),
            mailer,
            MemorySpool::new(),
            uploads,
            ManualClock::at_fixed_instant(),
            config,
        )
    }

    fn fixture() -> Ticket {
        ticket(
            "HC-000000001-AAAA",
            "s1",
            "billing",
            "2026-01-01T00:00:01.000Z",
        )
    }

    async fn spooled<M: Mailer>(
        deps: &Deps<MemoryStore, M, MemorySpool, MemoryUploads, ManualClock>,
    ) -> bool {
        let entry = deps.spool.get("HC-000000001-AAAA").await.unwrap();
        entry.expect("spooled").fallback_emailed
    }

    #[tokio::test]
    async fn emailed_and_spooled_says_emailed() {
        let deps = deps(MemoryMailer::new());
        let saved = fall_back(&fixture(), &deps).await;
        assert_eq!(saved, Saved::Emailed("HC-000000001-AAAA".into()));
        assert_eq!(deps.mailer.sent().len(), 1);
        assert!(spooled(&deps).await, "fallback_emailed");
    }

    #[tokio::test]
    async fn a_failed_email_is_spooled_unsent() {
        let deps = deps(MemoryMailer::new());
        deps.mailer.set_failing(true);
        let saved = fall_back(&fixture(), &deps).await;
        assert_eq!(saved, Saved::Spooled("HC-000000001-AAAA".into()));
        assert!(
            !spooled(&deps).await,
            "the worker must still email the team"
        );
    }

    #[tokio::test]
    async fn a_timed_out_email_counts_as_sent() {
        let deps = deps(SilentMailer);
        let saved = fall_back(&fixture(), &deps).await;
        assert_eq!(saved, Saved::Spooled("HC-000000001-AAAA".into()));
        assert!(spooled(&deps).await, "SES may still deliver it");
        let deps = self::deps(TimingOutMailer);
        let saved = fall_back(&fixture(), &deps).await;
        assert_eq!(saved, Saved::Spooled("HC-000000001-AAAA".into()));
        assert!(
            spooled(&deps).await,
            "the SDK's own timeout counts the same"
        );
    }

    #[tokio::test]
    async fn the_email_alone_is_enough_and_nothing_is_lost() {
        let deps = deps(MemoryMailer::new());
        deps.spool.set_failing(true);
        let saved = fall_back(&fixture(), &deps).await;
        assert_eq!(saved, Saved::Emailed("HC-000000001-AAAA".into()));
        deps.mailer.set_failing(true);
        assert_eq!(fall_back(&fixture(), &deps).await, Saved::Lost);
        let silent = self::deps(SilentMailer);
        silent.spool.set_failing(true);
        assert_eq!(
            fall_back(&fixture(), &silent).await,
            Saved::Lost,
            "an email that may not arrive and no spool: the client is told to write"
        );
    }

    #[tokio::test]
    async fn the_email_attaches_the_tickets_image() {
        let deps = deps(MemoryMailer::new());
        let mut t = fixture();
        attach(&deps.uploads, &mut t, "shot.png", PNG, "image/png").await;
        assert_eq!(
            fall_back(&t, &deps).await,
            Saved::Emailed(t.ticket_id.clone())
        );
        let sent = deps.mailer.sent();
        assert_eq!(sent[0].attachments.len(), 1);
        assert_eq!(sent[0].attachments[0].bytes, PNG);
        assert!(
            sent[0]
                .text
                .ends_with("\n\nAttachments:\n- shot.png (67 B, PNG): attached\n"),
            "{}",
            sent[0].text
        );
    }

    /// The images get a quarter of the email's time, the send the rest.
    #[tokio::test]
    async fn a_silent_bucket_leaves_the_email_its_time() {
        let deps = deps_with(MemoryMailer::new(), SilentGets(MemoryUploads::new()));
        let mut t = fixture();
        attach(&deps.uploads.0, &mut t, "shot.png", PNG, "image/png").await;
        let started = tokio::time::Instant::now();
        assert_eq!(
            fall_back(&t, &deps).await,
            Saved::Emailed(t.ticket_id.clone())
        );
        assert!(started.elapsed() < deps.config.mail_timeout);
        let sent = deps.mailer.sent();
        assert!(sent[0].attachments.is_empty());
        assert!(sent[0]
            .text
            .contains("- shot.png (67 B, PNG): link valid until "));
    }
}
