//! The support team's command line, `helpdesk` (feature `helpdesk`): plain functions over a
//! [`Desk`] — a store, the spool and the uploads — so every command runs the same against
//! DynamoDB and S3 (the binary's wiring) and against `helpcenter serve`'s state folder
//! ([`local`]).
//!
//! One file per command: [`queue`], [`show`], [`status`] (close, reopen), [`export`], [`erase`],
//! [`feedback`],
//! and the spool's replay here (the worker's [`replay_spool`]); [`table`] holds the output rules
//! shared by all of them, [`cli`] the command line, [`settings`] the environment.

pub mod cli;
pub mod erase;
pub mod export;
pub mod feedback;
pub mod local;
pub mod queue;
pub mod settings;
pub mod show;
pub mod status;
pub mod table;

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use crate::replay::{replay_spool, ReplayReport};
use crate::spool::{Spool, SpoolError};
use crate::store::{DeskStore, StoreError, TicketFilter};
use crate::ticket::Ticket;
use crate::uploads::UploadError;

/// Exit code: done.
pub const EXIT_OK: u8 = 0;
/// Exit code: not found (an unknown ticket id, queue or address), or a service failed.
pub const EXIT_FAILED: u8 = 1;
/// Exit code: the command line or a setting is wrong (clap's own code for usage errors).
pub const EXIT_USAGE: u8 = 2;

/// What every command works on.
#[derive(Debug)]
pub struct Desk<S, P, U> {
    pub store: S,
    pub spool: P,
    pub uploads: U,
    /// `helpcenter serve`'s outbox (`.eml` files), when working on its state folder: an erasure
    /// removes the erased tickets' emails there too.
    pub outbox: Option<PathBuf>,
    /// How old a spool entry must be before `replay` moves it (as the worker's schedule: the
    /// settle time plus its margin), so a late write's record is judged by the worker first.
    pub replay_settle: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error("{0:?} is not a ticket id (they look like HC-1JGJFGRSE-5YH2)")]
    NotATicketId(String),
    #[error("no ticket {0}")]
    UnknownTicket(String),
    #[error("no ticket was ever filed in queue {0:?} (a typo?)")]
    UnknownQueue(String),
    #[error("nothing is stored for {0} (no ticket, no spool entry)")]
    UnknownEmail(String),
    #[error("{dir} is not a `helpcenter serve` state folder: {why}")]
    NotServeState { dir: PathBuf, why: String },
    #[error("{0} spool entries could not be replayed (see above); the next replay tries again")]
    ReplayIncomplete(usize),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Spool(#[from] SpoolError),
    #[error(transparent)]
    Uploads(#[from] UploadError),
    #[error("{path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("writing the output: {0}")]
    Output(#[from] std::io::Error),
}

impl From<csv::Error> for DeskError {
    fn from(error: csv::Error) -> Self {
        DeskError::Output(error.into())
    }
}

impl From<serde_json::Error> for DeskError {
    fn from(error: serde_json::Error) -> Self {
        DeskError::Output(error.into())
    }
}

/// How many tickets one store call reads: a DynamoDB page stays well under its 1 MB cap.
const PAGE: usize = 500;

/// Hands every ticket matching `filter` to `each`, page by page: memory holds one page.
pub async fn each_ticket<S: DeskStore>(
    store: &S,
    filter: &TicketFilter,
    mut each: impl FnMut(Ticket) -> Result<(), DeskError>,
) -> Result<(), DeskError> {
    let mut cursor = None;
    loop {
        let page = store.page(filter, cursor.as_deref(), PAGE).await?;
        page.tickets.into_iter().try_for_each(&mut each)?;
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(()),
        }
    }
}

/// `helpdesk replay`: the settled spool entries into the store, with the worker's code.
pub async fn replay<S: DeskStore, P: Spool, U>(
    desk: &Desk<S, P, U>,
) -> Result<ReplayReport, DeskError> {
    let settled_before = SystemTime::now() - desk.replay_settle;
    Ok(replay_spool(&desk.store, &desk.spool, settled_before).await?)
}

/// The replay's report; an entry kept is a failure (exit 1) after the report is out.
pub fn write_replay(
    report: &ReplayReport,
    format: table::Format,
    out: &mut impl Write,
) -> Result<(), DeskError> {
    match format {
        table::Format::Json => {
            let failed: Vec<_> = report
                .failed
                .iter()
                .map(|(id, reason)| serde_json::json!({"ticket_id": id, "reason": reason}))
                .collect();
            let json = serde_json::json!({
                "moved": report.moved,
                "already_stored": report.already_stored,
                "waiting": report.waiting,
                "failed": failed,
            });
            writeln!(out, "{json:#}")?;
        }
        table::Format::Table => {
            writeln!(
                out,
                "moved {}, stored already {}, too young (left for later) {}, kept {}",
                report.moved,
                report.already_stored,
                report.waiting,
                report.failed.len()
            )?;
            let rows: Vec<Vec<String>> = report
                .failed
                .iter()
                .map(|(id, reason)| vec![id.clone(), reason.clone()])
                .collect();
            if !rows.is_empty() {
                write!(out, "{}", table::table(&["kept", "why"], &rows))?;
            }
        }
    }
    match report.failed.len() {
        0 => Ok(()),
        kept => Err(DeskError::ReplayIncomplete(kept)),
    }
}
