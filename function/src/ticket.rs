//! Step 3: a valid [`Submission`] (what validation hands over) → the stored [`Ticket`]: a short
//! time-ordered id, when it arrived, the queue that answers it, status `open`, and the client's
//! address only as a salted hash.

use std::net::IpAddr;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::clock::{rfc3339_ms, unix_ms};
use crate::contract::TicketContract;

pub const STATUS_OPEN: &str = "open";
/// A ticket the team has answered (`helpdesk close`).
pub const STATUS_CLOSED: &str = "closed";

/// Crockford's base32: no I, L, O, U, so an id read out on the phone cannot be misheard as
/// another; its digits are in ASCII order, so fixed-width ids sort in time order as text.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A submission that passed validation: text trimmed and NFC-normalised, choices known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    /// As sent by the page; `None` for a post without JavaScript (the handler makes one).
    pub submission_id: Option<String>,
    pub language: String,
    pub audience: String,
    pub category: String,
    /// `None` only when the category has no subcategories.
    pub subcategory: Option<String>,
    pub username: Option<String>,
    pub email: Option<String>,
    pub subject: String,
    pub description: String,
    pub page: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    /// `HC-` + 9 base32 digits of the millisecond timestamp + `-` + 4 random digits.
    pub ticket_id: String,
    /// The page's id for the draft (or one made by the function): one submission = one ticket.
    pub submission_id: String,
    /// RFC 3339 UTC with milliseconds; sorts as text in time order.
    pub received_at: String,
    pub language: String,
    pub audience: String,
    pub category: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subcategory: Option<String>,
    /// The support queue of the category.
    pub queue: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub subject: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    pub status: String,
    /// Salted hash of the client address (see [`client_hash`]); never the address itself.
    pub client_hash: String,
    /// How the ticket reached the table: absent for the form's own write, `fallback` for a
    /// ticket that went to the team by the fallback email (replayed from the spool, or a late
    /// write whose spool entry exists). The worker sends no team email for those.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrived_via: Option<ArrivedVia>,
    /// The files, in the order they were sent, under `tickets/<ticket_id>/` in the uploads bucket.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    /// Names of files the person sent that could not be kept (the bucket was unreachable): the
    /// team email says so, and the answer tells the person to send them by replying.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments_failed: Vec<String>,
}

/// One file of a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// Its key in the uploads bucket.
    pub key: String,
    /// The file name as sent (made safe: see `uploads::safe_name`).
    pub name: String,
    pub size: u64,
    /// Judged from its first bytes, never from its name or the browser's claim.
    pub content_type: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArrivedVia {
    /// The team already has it by the fallback email.
    Fallback,
}

impl Ticket {
    /// Builds the ticket for a valid submission. `submission_id` is the page's, or one the
    /// handler made for a post without JavaScript.
    pub fn new(
        submission: &Submission,
        submission_id: &str,
        contract: &TicketContract,
        now: SystemTime,
        client_hash: &str,
    ) -> Ticket {
        // Validation guarantees the category exists; the fallback keeps this total anyway.
        let queue = contract
            .category(&submission.audience, &submission.category)
            .map_or_else(|| submission.category.clone(), |c| c.queue.clone());
        Ticket {
            ticket_id: new_ticket_id(now),
            submission_id: submission_id.to_owned(),
            received_at: rfc3339_ms(now),
            language: submission.language.clone(),
            audience: submission.audience.clone(),
            category: submission.category.clone(),
            subcategory: submission.subcategory.clone(),
            queue,
            username: submission.username.clone(),
            email: submission.email.clone(),
            subject: submission.subject.clone(),
            description: submission.description.clone(),
            page: submission.page.clone(),
            status: STATUS_OPEN.to_owned(),
            client_hash: client_hash.to_owned(),
            arrived_via: None,
            attachments: Vec::new(),
            attachments_failed: Vec::new(),
        }
    }
}

/// `HC-01JGTE7ZY-4KQX`: time-ordered (the 9 digits hold milliseconds until the year 3084) and
/// short enough to read out; 20 random bits make a clash within one millisecond unlikely, and the
/// store's conditional write catches the rest.
pub fn new_ticket_id(now: SystemTime) -> String {
    let ms = unix_ms(now);
    let random = u32::from_le_bytes(random_bytes::<4>()) & 0xF_FFFF;
    format!("HC-{}-{}", base32(ms, 9), base32(u64::from(random), 4))
}

/// An id for a post that came without one (no JavaScript): `srv-` + 26 random base32 digits.
pub fn new_submission_id() -> String {
    let n = u128::from_le_bytes(random_bytes::<16>());
    format!(
        "srv-{}{}",
        base32(n as u64, 13),
        base32((n >> 64) as u64, 13)
    )
}

/// Reads an id as a person may have typed it: any case, spaces, and Crockford's look-alikes
/// (`O`→`0`, `I`/`L`→`1`). `None` if it cannot be a ticket id.
pub fn normalise_ticket_id(input: &str) -> Option<String> {
    let upper: String = input
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let digits = upper
        .strip_prefix("HC-")
        .or_else(|| upper.strip_prefix("HC"))?;
    let digits: String = digits
        .chars()
        .filter(|&c| c != '-')
        .map(|c| match c {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    let valid = digits.len() == 13 && digits.bytes().all(|b| CROCKFORD.contains(&b));
    valid.then(|| format!("HC-{}-{}", &digits[..9], &digits[9..]))
}

/// `len` random Crockford base32 digits.
pub fn random_base32(len: usize) -> String {
    let mut out = String::with_capacity(len);
    for chunk in random_bytes::<32>().chunks(8).take(len.div_ceil(12)) {
        let n = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        out.push_str(&base32(n, 12));
    }
    out.truncate(len);
    out
}

fn base32(mut value: u64, width: usize) -> String {
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = CROCKFORD[(value & 31) as usize];
        value >>= 5;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// OS randomness; should the OS refuse (it practically never does), a hash of the time and a
/// counter still gives distinct ids, and the conditional write guards against clashes.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    if getrandom::fill(&mut bytes).is_err() {
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let seed = format!(
            "{:?}{}",
            SystemTime::now(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let digest = Sha256::digest(seed.as_bytes());
        for (b, d) in bytes.iter_mut().zip(digest.iter().cycle()) {
            *b = *d;
        }
    }
    bytes
}

/// The client as the rate limit and the ticket know it: a salted SHA-256 of its address, 32 hex
/// digits. IPv6 clients are keyed by their /64 network, since one host can rotate through it.
pub fn client_hash(salt: &str, address: Option<IpAddr>) -> String {
    let key = match address {
        Some(IpAddr::V6(v6)) => {
            let mut octets = v6.octets();
            octets[8..].fill(0);
            format!("{}/64", std::net::Ipv6Addr::from(octets))
        }
        Some(IpAddr::V4(v4)) => v4.to_string(),
        None => "unknown".to_owned(),
    };
    let mut hasher = Sha256::new();
    hasher.update(salt.as_bytes());
    hasher.update([0]);
    hasher.update(key.as_bytes());
    hex::encode(&hasher.finalize()[..16])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn ids_are_short_time_ordered_and_distinct() {
        let t = UNIX_EPOCH + Duration::from_millis(1_735_787_045_678);
        let a = new_ticket_id(t);
        let b = new_ticket_id(t + Duration::from_millis(1));
        assert_eq!(a.len(), "HC-123456789-ABCD".len());
        assert!(a < b, "{a} < {b}");
        assert!(a.starts_with("HC-1JGJFGRSE-"), "{a}");
        let many: std::collections::HashSet<_> = (0..1000).map(|_| new_ticket_id(t)).collect();
        assert!(many.len() > 990);
    }

    #[test]
    fn ids_read_back_from_a_phone_call() {
        assert_eq!(
            normalise_ticket_id("hc 01jgm 1abc-oil0").as_deref(),
            Some("HC-01JGM1ABC-0110")
        );
        assert_eq!(
            normalise_ticket_id("HC-01JGM1ABC-X4KM").as_deref(),
            Some("HC-01JGM1ABC-X4KM")
        );
        assert_eq!(normalise_ticket_id("HC-01JGM1ABC-X4K"), None);
        assert_eq!(normalise_ticket_id("XX-01JGM1ABC-X4KM"), None);
        assert_eq!(normalise_ticket_id("HC-01JGM1ABC-X4KU"), None);
    }

    #[test]
    fn submission_ids_are_valid_for_validation() {
        let id = new_submission_id();
        assert_eq!(id.len(), 30);
        assert!(id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    }

    #[test]
    fn client_hash_hides_the_address() {
        let v4: IpAddr = "203.0.113.7".parse().unwrap();
        let h = client_hash("salt", Some(v4));
        assert_eq!(h.len(), 32);
        assert!(!h.contains("203"));
        assert_ne!(h, client_hash("other salt", Some(v4)));
        let a: IpAddr = "2001:db8::1".parse().unwrap();
        let b: IpAddr = "2001:db8::ffff".parse().unwrap();
        assert_eq!(client_hash("s", Some(a)), client_hash("s", Some(b)));
    }
}
