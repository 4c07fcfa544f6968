//! `helpdesk export [--since DATE] [--queue Q] --format csv|jsonl`: tickets to stdout, a page at
//! a time (memory holds one page whatever the table's size). With `--queue`, oldest first from
//! the queue index; without, in the store's order (DynamoDB: a Scan).
//!
//! CSV opens as it should in a spreadsheet: UTF-8 with a byte order mark (Excel reads CSV as
//! the locale's code page without one), every field quoted, CRLF line ends (RFC 4180), and no
//! cell a spreadsheet would run as a formula ([`spreadsheet_safe`]).

use std::io::Write;

use super::table::spreadsheet_safe;
use super::{each_ticket, DeskError};
use crate::clock::rfc3339_ms;
use crate::store::{DeskStore, TicketFilter};
use crate::ticket::Ticket;

/// What `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Csv,
    /// One ticket as JSON per line, every field as stored.
    Jsonl,
}

/// The CSV columns, in the form's order. The client hash and submission id are left out:
/// internal, and of no use in a report.
const COLUMNS: [&str; 16] = [
    "ticket_id",
    "received_at",
    "status",
    "queue",
    "language",
    "audience",
    "category",
    "subcategory",
    "username",
    "email",
    "page",
    "subject",
    "description",
    "arrived_via",
    "attachments",
    "attachments_failed",
];

/// `--since`: a day (`2025-01-31`, midnight UTC) or an RFC 3339 time
/// (`2025-01-31T12:00:00+01:00`), as the RFC 3339 UTC text tickets store, so it compares as text.
pub fn parse_since(text: &str) -> Result<String, String> {
    let text = text.trim();
    // A time first: jiff reads the day of a whole time as a date too.
    let timestamp = text.parse::<jiff::Timestamp>().or_else(|e| {
        if text.len() != "2025-01-31".len() {
            return Err(e); // a time without its offset is ambiguous
        }
        let day = text.parse::<jiff::civil::Date>()?;
        format!("{day}T00:00:00Z").parse::<jiff::Timestamp>()
    });
    let timestamp = timestamp.map_err(|_| {
        format!("{text:?} is not a date: give a day like 2025-01-31 or a time like 2025-01-31T12:00:00Z")
    })?;
    let time = std::time::SystemTime::try_from(timestamp).map_err(|e| e.to_string())?;
    Ok(rfc3339_ms(time))
}

/// Writes the tickets matching `filter`; how many.
pub async fn export<S: DeskStore>(
    store: &S,
    filter: &TicketFilter,
    format: ExportFormat,
    out: &mut impl Write,
) -> Result<usize, DeskError> {
    let mut count = 0;
    match format {
        ExportFormat::Jsonl => {
            each_ticket(store, filter, |ticket| {
                serde_json::to_writer(&mut *out, &ticket)?;
                out.write_all(b"\n")?;
                count += 1;
                Ok(())
            })
            .await?;
        }
        ExportFormat::Csv => {
            out.write_all("\u{feff}".as_bytes())?;
            let mut csv = csv::WriterBuilder::new()
                .quote_style(csv::QuoteStyle::Always)
                .terminator(csv::Terminator::CRLF)
                .from_writer(&mut *out);
            csv.write_record(COLUMNS)?;
            each_ticket(store, filter, |ticket| {
                csv.write_record(row(&ticket).iter().map(|c| spreadsheet_safe(c)))?;
                count += 1;
                Ok(())
            })
            .await?;
            csv.flush()?;
        }
    }
    out.flush()?;
    Ok(count)
}

fn row(t: &Ticket) -> [String; 16] {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let arrived = match t.arrived_via {
        Some(_) => "fallback",
        None => "form",
    };
    let names: Vec<&str> = t.attachments.iter().map(|a| a.name.as_str()).collect();
    [
        t.ticket_id.clone(),
        t.received_at.clone(),
        t.status.clone(),
        t.queue.clone(),
        t.language.clone(),
        t.audience.clone(),
        t.category.clone(),
        text(&t.subcategory),
        text(&t.username),
        text(&t.email),
        text(&t.page),
        t.subject.clone(),
        t.description.clone(),
        arrived.to_owned(),
        names.join("\n"),
        t.attachments_failed.join("\n"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{MemoryStore, TicketStore};
    use crate::testing::ticket;

    #[test]
    fn since_takes_days_and_times() {
        assert_eq!(
            parse_since("2025-01-31").unwrap(),
            "2025-01-31T00:00:00.000Z"
        );
        assert_eq!(
            parse_since("2025-01-31T12:00:00+01:00").unwrap(),
            "2025-01-31T11:00:00.000Z"
        );
        for bad in [
            "yesterday",
            "2025-13-01",
            "31/01/2025",
            "2025-01-31T12:00",
            "",
        ] {
            assert!(
                parse_since(bad).unwrap_err().contains("not a date"),
                "{bad}"
            );
        }
    }

    #[tokio::test]
    async fn csv_is_quoted_utf8_and_formula_safe() {
        let store = MemoryStore::new();
        let mut t = ticket(
            "HC-000000001-AAAA",
            "s1",
            "billing",
            "2025-01-01T00:00:00.000Z",
        );
        t.subject = "=HYPERLINK(\"http://evil\")".into();
        t.description = "Zeile 1, \"zitiert\"\nÜber -2".into();
        store.put(&t).await.unwrap();
        let mut out = Vec::new();
        let n = export(
            &store,
            &TicketFilter::default(),
            ExportFormat::Csv,
            &mut out,
        )
        .await
        .unwrap();
        assert_eq!(n, 1);
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("\u{feff}\"ticket_id\",\"received_at\""),
            "{text}"
        );
        assert!(
            text.contains("\"'=HYPERLINK(\"\"http://evil\"\")\""),
            "{text}"
        );
        assert!(
            text.contains("\"Zeile 1, \"\"zitiert\"\"\nÜber -2\""),
            "{text}"
        );
        assert!(text.contains("\r\n\"HC-000000001-AAAA\""), "{text}");
    }
}
