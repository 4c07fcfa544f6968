//! Where files live in the bucket, and the one rule for the names we keep.
//!
//! `pending/<submission_id>/<upload_id>/<name>` while the ticket is being written (the page
//! uploads there before it sends the ticket; the bucket's lifecycle removes what is left after a
//! day), `tickets/<ticket_id>/<upload_id>/<name>` once it is stored (kept for the tickets'
//! retention). The upload id keeps two files of the same name apart.

use unicode_normalization::UnicodeNormalization;

use crate::http::Code;
use crate::ticket::random_base32;

pub const PENDING_PREFIX: &str = "pending/";
pub const TICKETS_PREFIX: &str = "tickets/";

/// Characters of an upload id (Crockford base32).
const UPLOAD_ID_LEN: usize = 10;

/// Longest file name kept, in characters (S3 keys take 1,024 bytes; mail clients show ~60).
const MAX_NAME_CHARS: usize = 120;

/// A fresh upload id: 10 random base32 digits (50 bits).
pub fn new_upload_id() -> String {
    random_base32(UPLOAD_ID_LEN)
}

/// `pending/<submission_id>/`: every upload of one submission.
pub fn pending_prefix(submission_id: &str) -> String {
    format!("{PENDING_PREFIX}{submission_id}/")
}

/// Where a stored ticket's file lives.
pub fn ticket_key(ticket_id: &str, upload_id: &str, name: &str) -> String {
    format!("{TICKETS_PREFIX}{ticket_id}/{upload_id}/{name}")
}

/// A pending upload's key, taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingKey {
    pub key: String,
    pub upload_id: String,
    pub name: String,
}

impl PendingKey {
    pub fn new(submission_id: &str, name: &str) -> PendingKey {
        let upload_id = new_upload_id();
        PendingKey {
            key: format!("{}{upload_id}/{name}", pending_prefix(submission_id)),
            upload_id,
            name: name.to_owned(),
        }
    }

    /// A key the page sent back, if it is one of `submission_id`'s uploads (any other key —
    /// another submission's, a ticket's, a made-up path — is not).
    pub fn parse(key: &str, submission_id: &str) -> Option<PendingKey> {
        let rest = key.strip_prefix(&pending_prefix(submission_id))?;
        let (upload_id, name) = rest.split_once('/')?;
        (is_upload_id(upload_id) && is_kept_name(name)).then(|| PendingKey {
            key: key.to_owned(),
            upload_id: upload_id.to_owned(),
            name: name.to_owned(),
        })
    }
}

/// Whether `key` is a stored ticket's file as the handler writes it,
/// `tickets/<ticket_id>/<upload_id>/<name>` (no `..`, no other prefix, no extra `/`): the only
/// keys the emails' links may open.
pub fn is_ticket_key(key: &str) -> bool {
    let Some(rest) = key.strip_prefix(TICKETS_PREFIX) else {
        return false;
    };
    let mut parts = rest.splitn(3, '/');
    let (Some(ticket_id), Some(upload_id), Some(name)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    is_ticket_id(ticket_id) && is_upload_id(upload_id) && is_kept_name(name)
}

/// `HC-` and base32 digits in groups (see `ticket::new_ticket_id`).
fn is_ticket_id(id: &str) -> bool {
    let digits = id.strip_prefix("HC-").unwrap_or_default();
    (1..=40).contains(&digits.len())
        && digits
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn is_upload_id(id: &str) -> bool {
    id.len() == UPLOAD_ID_LEN && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// A name exactly as [`safe_name`] keeps it.
fn is_kept_name(name: &str) -> bool {
    safe_name(name).as_deref() == Ok(name)
}

/// The file name as we keep it: NFC, trimmed, at most 120 characters (the extension kept).
/// Names that are paths (`/`, `\`, `.`, `..`) are `invalid_format`; control, line-breaking and
/// bidi characters (which can disguise `exe.png` as `png.exe`) are `control_chars`.
pub fn safe_name(raw: &str) -> Result<String, Code> {
    let name: String = raw.trim().nfc().collect();
    if name.is_empty() {
        return Err(Code::Required);
    }
    if name.contains(['/', '\\']) || name == "." || name == ".." {
        return Err(Code::InvalidFormat);
    }
    if name.chars().any(|c| c.is_control() || is_spoofing(c)) {
        return Err(Code::ControlChars);
    }
    Ok(shorten(&name))
}

/// Line/paragraph separators and bidi embeddings, overrides and isolates.
fn is_spoofing(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Cuts a long name in its stem, keeping a short extension.
fn shorten(name: &str) -> String {
    if name.chars().count() <= MAX_NAME_CHARS {
        return name.to_owned();
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.chars().count() <= 10 => (stem, ext),
        _ => (name, ""),
    };
    let keep = MAX_NAME_CHARS - ext.chars().count() - usize::from(!ext.is_empty());
    let stem: String = stem.chars().take(keep).collect();
    match ext {
        "" => stem,
        ext => format!("{stem}.{ext}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_kept_or_refused() {
        assert_eq!(
            safe_name("  Screen Shot 1.png "),
            Ok("Screen Shot 1.png".into())
        );
        assert_eq!(safe_name("cafe\u{301}.txt"), Ok("café.txt".into()));
        assert_eq!(safe_name("../../etc/passwd"), Err(Code::InvalidFormat));
        assert_eq!(safe_name("..\\boot.ini"), Err(Code::InvalidFormat));
        assert_eq!(safe_name(".."), Err(Code::InvalidFormat));
        assert_eq!(safe_name("a\r\nb.png"), Err(Code::ControlChars));
        assert_eq!(safe_name("invoice\u{202E}gnp.exe"), Err(Code::ControlChars));
        assert_eq!(safe_name(" "), Err(Code::Required));
        let long = format!("{}.mp4", "x".repeat(300));
        let kept = safe_name(&long).unwrap();
        assert_eq!(kept.chars().count(), 120);
        assert!(kept.ends_with("x.mp4"));
    }

    #[test]
    fn only_this_submissions_keys_parse() {
        let key = PendingKey::new("sub-12345678", "shot.png");
        assert_eq!(key.upload_id.len(), 10);
        assert_eq!(
            PendingKey::parse(&key.key, "sub-12345678"),
            Some(key.clone())
        );
        assert_eq!(PendingKey::parse(&key.key, "sub-87654321"), None);
        let forged = [
            "pending/sub-12345678/short/shot.png".to_string(),
            "pending/sub-12345678/0123456789/../x".to_string(),
            "pending/sub-12345678/0123456789/a/b.png".to_string(),
            "tickets/HC-1/0123456789/shot.png".to_string(),
            format!("{}/../other", key.key),
        ];
        for key in forged {
            assert_eq!(PendingKey::parse(&key, "sub-12345678"), None, "{key}");
        }
        assert_eq!(
            ticket_key("HC-1", &key.upload_id, &key.name),
            format!("tickets/HC-1/{}/shot.png", key.upload_id)
        );
    }

    #[test]
    fn only_ticket_files_are_ticket_keys() {
        assert!(is_ticket_key(
            "tickets/HC-1JGJFGRSE-5YH2/0123456789/Invoice #12 (ça).pdf"
        ));
        for other in [
            "pending/sub-12345678/0123456789/shot.png",
            "spool/HC-1JGJFGRSE-5YH2.json",
            "tickets/HC-1/0123456789",
            "tickets/HC-1/0123456789/",
            "tickets/HC-1/0123456789/..",
            "tickets/HC-1/0123456789/../../spool/HC-1.json",
            "tickets/HC-1/0123456789/a/b.png",
            "tickets/../spool/0123456789/x.json",
            "tickets/HC-1/012345678/x.png",
            "tickets/X-1/0123456789/x.png",
            "tickets/HC-/0123456789/x.png",
            "tickets/HC-1/0123456789/ x.png",
            "/tickets/HC-1/0123456789/x.png",
            "TICKETS/HC-1/0123456789/x.png",
        ] {
            assert!(!is_ticket_key(other), "{other}");
        }
    }
}
