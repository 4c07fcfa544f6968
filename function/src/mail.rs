//! Step 4b: when the store is down, the ticket goes to the fallback address as a plain-text email
//! with the same structure as the form. The handler only knows the [`Mailer`] trait; SES (feature
//! `aws`), memory (tests) and `.eml` files (`helpcenter serve`) implement it.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::SystemTime;

use base64::Engine;

use crate::clock::rfc5322;
use crate::contract::{label, TicketContract};
use crate::ticket::Ticket;

/// One plain-text email, ready to be written as MIME.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub from: String,
    pub to: String,
    /// The submitter, so that support answers them by replying.
    pub reply_to: Option<String>,
    /// Any text: [`Email::to_mime`] encodes it so it can never break out of its header.
    pub subject: String,
    /// Plain text with `\n` line breaks.
    pub text: String,
    pub date: SystemTime,
    /// Unique left part of the `Message-ID` (also the `.eml` file name).
    pub id: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("email could not be sent: {0}")]
    Unavailable(String),
    #[error("email file {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

pub trait Mailer: Send + Sync + 'static {
    fn send(&self, email: &Email) -> impl Future<Output = Result<(), MailError>> + Send;
}

/// The fallback email for a ticket the store could not take.
pub fn fallback_email(
    ticket: &Ticket,
    contract: &TicketContract,
    from: &str,
    to: &str,
    date: SystemTime,
) -> Email {
    Email {
        from: from.to_owned(),
        to: to.to_owned(),
        reply_to: ticket.email.clone(),
        subject: format!(
            "[{}] {} · {}",
            ticket.ticket_id, ticket.queue, ticket.subject
        ),
        text: plain_text_body(ticket, contract),
        date,
        id: format!("{}.{}", ticket.ticket_id, ticket.submission_id),
    }
}

/// The ticket as text, in the order of the form (the page's `mailto:` fallback uses the same
/// labels and order). Choices show their label in the site's default language and their id.
pub fn plain_text_body(ticket: &Ticket, contract: &TicketContract) -> String {
    let lang = &contract.default_language;
    let audience = contract.audience(&ticket.audience);
    let category = contract.category(&ticket.audience, &ticket.category);
    let subcategory = category
        .zip(ticket.subcategory.as_deref())
        .and_then(|(c, s)| c.subcategory(s).map(|sub| (sub, s)));
    let named = |labels: Option<&crate::contract::Labels>, id: &str| match labels {
        Some(labels) => format!("{} ({id})", label(labels, lang, lang, id)),
        None => id.to_owned(),
    };
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let lines = [
        "This ticket could not be stored in the ticket database and was emailed instead."
            .to_owned(),
        "Reply to this email to answer the person who sent it.".to_owned(),
        String::new(),
        format!("Ticket: {}", ticket.ticket_id),
        format!("Received: {}", ticket.received_at),
        format!("Queue: {}", ticket.queue),
        format!("Submission: {}", ticket.submission_id),
        String::new(),
        format!("Language: {}", ticket.language),
        format!(
            "Occupation: {}",
            named(audience.map(|a| &a.labels), &ticket.audience)
        ),
        format!(
            "Category: {}",
            named(category.map(|c| &c.labels), &ticket.category)
        ),
        format!(
            "Subcategory: {}",
            match subcategory {
                Some((sub, id)) => named(Some(&sub.labels), id),
                None => or_dash(&ticket.subcategory),
            }
        ),
        format!("Username: {}", or_dash(&ticket.username)),
        format!("Email: {}", or_dash(&ticket.email)),
        format!("Page: {}", or_dash(&ticket.page)),
        format!("Subject: {}", ticket.subject),
        String::new(),
        "Description:".to_owned(),
        ticket.description.clone(),
    ];
    lines.join("\n") + "\n"
}

impl Email {
    /// RFC 5322 + MIME text, CRLF line ends. Addresses were validated before (no specials); the
    /// subject is stripped of control characters and always sent as RFC 2047 encoded words, so no
    /// input can start a header of its own.
    pub fn to_mime(&self) -> String {
        let domain = self.from.rsplit_once('@').map_or("localhost", |(_, d)| d);
        let mut headers = vec![
            format!("From: {}", strip_controls(&self.from)),
            format!("To: {}", strip_controls(&self.to)),
        ];
        if let Some(reply_to) = &self.reply_to {
            headers.push(format!("Reply-To: {}", strip_controls(reply_to)));
        }
        headers.extend([
            format!("Subject: {}", encode_header_text(&self.subject)),
            format!("Date: {}", rfc5322(self.date)),
            format!("Message-ID: <{}@{}>", strip_controls(&self.id), domain),
            "MIME-Version: 1.0".to_owned(),
            "Content-Type: text/plain; charset=utf-8".to_owned(),
            "Content-Transfer-Encoding: quoted-printable".to_owned(),
        ]);
        format!(
            "{}\r\n\r\n{}",
            headers.join("\r\n"),
            quoted_printable(&self.text)
        )
    }
}

fn strip_controls(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

/// `=?UTF-8?B?…?=` words of at most 75 characters, folded onto continuation lines.
pub fn encode_header_text(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    // 39 bytes of UTF-8 → 52 base64 characters + 12 of framing = 64, so even the first line with
    // "Subject: " stays within 78 characters; a character is never split across words.
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in clean.chars() {
        if chunk.len() + c.len_utf8() > 39 {
            words.push(std::mem::take(&mut chunk));
        }
        chunk.push(c);
    }
    if !chunk.is_empty() || words.is_empty() {
        words.push(chunk);
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    words
        .iter()
        .map(|w| format!("=?UTF-8?B?{}?=", b64.encode(w)))
        .collect::<Vec<_>>()
        .join("\r\n ")
}

/// Quoted-printable (RFC 2045) with CRLF line ends and lines of at most 76 characters: readable
/// in a text editor, and safe for any line length or byte.
pub fn quoted_printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("\r\n");
        }
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut width = 0;
        let bytes = line.as_bytes();
        for (j, &b) in bytes.iter().enumerate() {
            let last = j + 1 == bytes.len();
            let literal = matches!(b, 33..=60 | 62..=126) || (matches!(b, b' ' | b'\t') && !last);
            let piece = if literal {
                (b as char).to_string()
            } else {
                format!("={b:02X}")
            };
            if width + piece.len() > 75 {
                out.push_str("=\r\n");
                width = 0;
            }
            width += piece.len();
            out.push_str(&piece);
        }
    }
    out
}

/// The inverse of [`quoted_printable`], for tests and tools that read the emails back.
pub fn decode_quoted_printable(encoded: &str) -> String {
    let mut bytes = Vec::with_capacity(encoded.len());
    let raw = encoded.replace("=\r\n", "").replace("=\n", "");
    let raw = raw.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        let hex = raw
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (raw[i], hex) {
            (b'=', Some(byte)) => {
                bytes.push(byte);
                i += 3;
            }
            (b, _) => {
                bytes.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&bytes).replace("\r\n", "\n")
}

/// Keeps sent emails in memory (tests). `set_failing(true)` makes sending fail.
#[derive(Debug, Default)]
pub struct MemoryMailer {
    sent: Mutex<Vec<Email>>,
    failing: AtomicBool,
}

impl MemoryMailer {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set_failing(&self, failing: bool) {
        self.failing.store(failing, Ordering::Relaxed);
    }

    pub fn sent(&self) -> Vec<Email> {
        self.sent.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Mailer for MemoryMailer {
    async fn send(&self, email: &Email) -> Result<(), MailError> {
        if self.failing.load(Ordering::Relaxed) {
            return Err(MailError::Unavailable("memory mailer set to fail".into()));
        }
        self.sent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(email.clone());
        Ok(())
    }
}

/// Writes each email as `<dir>/<id>.eml` (open it in any mail client), for `helpcenter serve`.
#[derive(Debug, Clone)]
pub struct FileMailer {
    dir: PathBuf,
}

impl FileMailer {
    /// Creates `dir` if needed.
    pub fn new(dir: impl AsRef<Path>) -> Result<Self, MailError> {
        let dir = dir.as_ref().to_owned();
        std::fs::create_dir_all(&dir).map_err(|source| MailError::Io {
            path: dir.clone(),
            source,
        })?;
        Ok(FileMailer { dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Mailer for FileMailer {
    async fn send(&self, email: &Email) -> Result<(), MailError> {
        // The id holds a ticket id and a validated submission id; keep only safe characters anyway.
        let stem: String = email
            .id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        let path = self.dir.join(format!("{stem}.eml"));
        std::fs::write(&path, email.to_mime()).map_err(|source| MailError::Io { path, source })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::ticket;
    use crate::testing::contract;

    fn email(subject: &str) -> Email {
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
        )
    }

    fn headers(mime: &str) -> Vec<&str> {
        mime.split("\r\n\r\n")
            .next()
            .unwrap()
            .split("\r\n")
            .collect()
    }

    #[test]
    fn subject_cannot_inject_headers() {
        let mime = email("Hi\r\nBcc: victim@example.net\nX-Evil: 1").to_mime();
        for line in headers(&mime) {
            assert!(
                !line.starts_with("Bcc") && !line.starts_with("X-Evil"),
                "{line}"
            );
            assert!(line.len() <= 78, "{line}");
        }
        assert!(mime.contains("Reply-To: ada@example.org\r\n"));
    }

    #[test]
    fn long_unicode_subject_is_folded_into_valid_words() {
        let subject = "Оплата не прошла, деньги списаны дважды — помогите пожалуйста 😀".repeat(2);
        let mime = email(&subject).to_mime();
        let subject_lines: Vec<&str> = headers(&mime)
            .into_iter()
            .skip_while(|l| !l.starts_with("Subject:"))
            .take_while(|l| l.starts_with("Subject:") || l.starts_with(' '))
            .collect();
        assert!(subject_lines.len() > 2);
        let decoded: String = subject_lines
            .iter()
            .map(|l| l.trim_start_matches("Subject: ").trim())
            .map(|w| {
                w.strip_prefix("=?UTF-8?B?")
                    .and_then(|w| w.strip_suffix("?="))
                    .unwrap()
            })
            .map(|b| {
                String::from_utf8(base64::engine::general_purpose::STANDARD.decode(b).unwrap())
                    .unwrap()
            })
            .collect();
        assert!(decoded.ends_with(&subject));
    }

    #[test]
    fn body_round_trips_and_follows_the_form() {
        let e = email("Refund missing");
        let mime = e.to_mime();
        let body = mime.split_once("\r\n\r\n").unwrap().1;
        assert!(body.split("\r\n").all(|l| l.len() <= 76));
        assert_eq!(decode_quoted_printable(body), e.text);
        for needle in [
            "Ticket: HC-01JGM1ABC-X4KM",
            "Occupation: Users (users)",
            "Category: Billing (billing)",
            "Subcategory: Refunds (refunds)",
            "Description:\nLine one",
        ] {
            assert!(e.text.contains(needle), "{needle} in {}", e.text);
        }
        let long = "x".repeat(500);
        assert_eq!(decode_quoted_printable(&quoted_printable(&long)), long);
    }

    #[test]
    fn file_mailer_writes_eml() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = FileMailer::new(dir.path().join("mail")).unwrap();
        let e = email("Refund missing");
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(mailer.send(&e))
            .unwrap();
        let written =
            std::fs::read_to_string(dir.path().join("mail").join(format!("{}.eml", e.id))).unwrap();
        assert_eq!(written, e.to_mime());
    }
}
