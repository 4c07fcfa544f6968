//! `helpdesk show ID`: every field of a ticket, how it arrived, whether the worker told the team
//! and the sender, and fresh download links for its attachments.

use std::io::Write;

use serde::Serialize;

use super::queue::category;
use super::status::ticket_id;
use super::table::{table, terminal_safe, Format};
use super::{Desk, DeskError};
use crate::store::{Claims, DeskStore};
use crate::ticket::{ArrivedVia, Ticket};
use crate::uploads::{Uploads, LINK_EXPIRY};

/// A ticket as `show` prints it.
#[derive(Debug, Serialize)]
pub struct Shown {
    #[serde(flatten)]
    pub ticket: Ticket,
    /// `form` (the ticket function stored it) or `fallback` (the team had it by email first).
    pub arrived: &'static str,
    #[serde(flatten)]
    pub claims: Claims,
    /// One per attachment, in order: a link valid for [`LINK_EXPIRY`].
    pub links: Vec<Link>,
}

#[derive(Debug, Serialize)]
pub struct Link {
    pub key: String,
    /// `None` when the bucket could not sign it (`error` says why): the rest is still shown.
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

pub async fn show<S: DeskStore, P, U: Uploads>(
    desk: &Desk<S, P, U>,
    id: &str,
) -> Result<Shown, DeskError> {
    let id = ticket_id(id)?;
    let ticket = desk
        .store
        .get(&id)
        .await?
        .ok_or_else(|| DeskError::UnknownTicket(id.clone()))?;
    let claims = desk.store.claims(&id).await?;
    let mut links = Vec::new();
    for attachment in &ticket.attachments {
        let signed = desk.uploads.link(&attachment.key, LINK_EXPIRY).await;
        links.push(Link {
            key: attachment.key.clone(),
            error: signed.as_ref().err().map(ToString::to_string),
            url: signed.ok(),
        });
    }
    let arrived = match ticket.arrived_via {
        Some(ArrivedVia::Fallback) => "fallback",
        None => "form",
    };
    Ok(Shown {
        ticket,
        arrived,
        claims,
        links,
    })
}

pub fn write_show(shown: &Shown, format: Format, out: &mut impl Write) -> Result<(), DeskError> {
    if format == Format::Json {
        writeln!(out, "{}", serde_json::to_string_pretty(shown)?)?;
        return Ok(());
    }
    let t = &shown.ticket;
    let claim = |at: &Option<String>| at.clone().unwrap_or_else(|| "not yet".into());
    let optional = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    let fields = [
        ("ticket", t.ticket_id.clone()),
        ("status", t.status.clone()),
        ("received", t.received_at.clone()),
        ("arrived via", shown.arrived.to_owned()),
        ("queue", t.queue.clone()),
        ("audience", t.audience.clone()),
        ("category", category(t)),
        ("language", t.language.clone()),
        ("username", optional(&t.username)),
        ("email", optional(&t.email)),
        ("page", optional(&t.page)),
        ("subject", t.subject.clone()),
        ("submission", t.submission_id.clone()),
        ("team told", claim(&shown.claims.team_notified_at)),
        ("sender told", claim(&shown.claims.ack_notified_at)),
    ];
    for (name, value) in fields {
        writeln!(out, "{:<12} {}", format!("{name}:"), terminal_safe(&value))?;
    }
    if !t.attachments_failed.is_empty() {
        let names = t.attachments_failed.join(", ");
        writeln!(out, "{:<12} {}", "not kept:", terminal_safe(&names))?;
    }
    writeln!(out, "\n{}\n", terminal_safe(&t.description))?;
    write_files(shown, out)
}

fn write_files(shown: &Shown, out: &mut impl Write) -> Result<(), DeskError> {
    if shown.links.is_empty() {
        return Ok(());
    }
    let rows: Vec<Vec<String>> = shown
        .ticket
        .attachments
        .iter()
        .map(|a| {
            let size = format!("{} KiB", a.size.div_ceil(1024));
            vec![a.name.clone(), size, a.content_type.clone()]
        })
        .collect();
    write!(out, "{}", table(&["file", "size", "type"], &rows))?;
    let days = LINK_EXPIRY.as_secs() / 86_400;
    writeln!(out, "\nlinks (valid {days} days):")?;
    for link in &shown.links {
        match (&link.url, &link.error) {
            (Some(url), _) => writeln!(out, "  {url}")?,
            (None, error) => writeln!(
                out,
                "  {}: no link ({})",
                link.key,
                error.as_deref().unwrap_or_default()
            )?,
        }
    }
    Ok(())
}
