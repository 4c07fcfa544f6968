//! The command line (clap) and what each command runs.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use super::erase::{erase, write_erasure};
use super::export::{export, parse_since, ExportFormat};
use super::feedback::{feedback, parse_month, write_feedback};
use super::queue::{queue, write_queue};
use super::show::{show, write_show};
use super::status::{set_status, write_status};
use super::table::Format;
use super::{replay, write_replay, Desk, DeskError};
use crate::spool::Spool;
use crate::store::{DeskStore, FeedbackFilter, TicketFilter};
use crate::ticket::{STATUS_CLOSED, STATUS_OPEN};
use crate::uploads::Uploads;

pub const EXIT_CODES: &str = "\
Exit codes:
  0  done
  1  not found (an unknown ticket id, queue or address), or DynamoDB/S3 failed
  2  usage: a wrong command line or setting

On AWS it reads the ticket function's settings: TICKETS_TABLE, UPLOADS_BUCKET,
DYNAMODB_TIMEOUT_MS, S3_TIMEOUT_MS, TICKET_RETENTION_DAYS, SPOOL_SETTLE_SECONDS, and the
SDK's standard environment (AWS_REGION, AWS_PROFILE, credentials, AWS_ENDPOINT_URL_*).";

/// The support team's command line: work the queues, export, answer data-subject requests.
#[derive(Debug, Parser)]
#[command(name = "helpdesk", version, after_help = EXIT_CODES)]
pub struct Cli {
    /// Work on `helpcenter serve`'s state folder (e.g. .helpcenter) instead of AWS.
    #[arg(long, value_name = "DIR", global = true)]
    pub local: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusChoice {
    Open,
    Closed,
    All,
}

#[derive(Debug, Args)]
pub struct Output {
    /// `table` for people, `json` for scripts.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// A queue's tickets, oldest first.
    Queue {
        queue: String,
        #[arg(long, value_enum, default_value = "open")]
        status: StatusChoice,
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        limit: u32,
        #[command(flatten)]
        output: Output,
    },
    /// Every field of a ticket, how it arrived, whether people were told, fresh file links.
    Show {
        id: String,
        #[command(flatten)]
        output: Output,
    },
    /// Marks a ticket answered.
    Close {
        id: String,
        #[command(flatten)]
        output: Output,
    },
    /// Marks a closed ticket open again.
    Reopen {
        id: String,
        #[command(flatten)]
        output: Output,
    },
    /// Tickets to stdout, for reports: CSV for a spreadsheet, JSON lines for tools.
    Export {
        /// Tickets received from this day (2025-01-31, UTC) or time (RFC 3339) on.
        #[arg(long, value_parser = parse_since)]
        since: Option<String>,
        /// Only this queue's tickets (oldest first).
        #[arg(long)]
        queue: Option<String>,
        #[arg(long, value_enum)]
        format: ExportFormat,
    },
    /// Removes everything kept about an address: tickets, files, spool entries.
    Erase {
        #[arg(long, value_parser = address)]
        email: String,
        /// Only print what would be removed.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        output: Output,
    },
    /// Moves spooled tickets (kept while DynamoDB was down) into the table.
    Replay {
        #[command(flatten)]
        output: Output,
    },
    /// Visitors' feedback: articles by helpful ratio (least helpful first) and the most
    /// frequent searches that found nothing — what to write next.
    Feedback {
        /// Counters from this month (2025-01, UTC) on.
        #[arg(long, value_parser = parse_month)]
        since: Option<String>,
        /// Only this language's (its code, e.g. `it`).
        #[arg(long)]
        language: Option<String>,
        /// Missed searches shown per language.
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        top: u32,
        #[command(flatten)]
        output: Output,
    },
}

fn address(text: &str) -> Result<String, String> {
    let text = text.trim();
    match crate::mail::is_valid_email(text) {
        true => Ok(text.to_owned()),
        false => Err(format!("{text:?} is not an email address")),
    }
}

impl Command {
    pub async fn run<S: DeskStore, P: Spool, U: Uploads>(
        self,
        desk: &Desk<S, P, U>,
        out: &mut impl Write,
    ) -> Result<(), DeskError> {
        match self {
            Command::Queue {
                queue: q,
                status,
                limit,
                output,
            } => {
                let status = match status {
                    StatusChoice::Open => Some(STATUS_OPEN),
                    StatusChoice::Closed => Some(STATUS_CLOSED),
                    StatusChoice::All => None,
                };
                let tickets = queue(&desk.store, &q, status, limit as usize).await?;
                write_queue(&tickets, output.format, out)
            }
            Command::Show { id, output } => write_show(&show(desk, &id).await?, output.format, out),
            Command::Close { id, output } => {
                let change = set_status(&desk.store, &id, STATUS_CLOSED).await?;
                write_status(&change, STATUS_CLOSED, output.format, out)
            }
            Command::Reopen { id, output } => {
                let change = set_status(&desk.store, &id, STATUS_OPEN).await?;
                write_status(&change, STATUS_OPEN, output.format, out)
            }
            Command::Export {
                since,
                queue,
                format,
            } => {
                let filter = TicketFilter {
                    queue,
                    status: None,
                    since,
                };
                export(&desk.store, &filter, format, out).await.map(drop)
            }
            Command::Erase {
                email,
                dry_run,
                output,
            } => write_erasure(&erase(desk, &email, dry_run).await?, output.format, out),
            Command::Replay { output } => write_replay(&replay(desk).await?, output.format, out),
            Command::Feedback {
                since,
                language,
                top,
                output,
            } => {
                let filter = FeedbackFilter { since, language };
                let report = feedback(&desk.store, &filter, top as usize).await?;
                write_feedback(&report, output.format, out)
            }
        }
    }
}
