//! A ticket's files for the team email and the fallback email: each image up to
//! [`MAX_ATTACHED_FILE`] is attached (while the message has room), every other file is a
//! download link valid for [`LINK_EXPIRY`], and the text lists them all.
//!
//! Nothing here fails the email: a file the bucket no longer has is listed as not available,
//! and an image the bucket cannot give in time (down, slow) becomes a link instead. Links are
//! signed locally, without a call to the bucket, so they are made even while it is down and
//! work once it is back. That is why a bucket outage is not retried: the stream would hold up
//! every later ticket of its shard behind this one, and after its last retry the team email
//! would be lost, for images the links still reach.

use std::time::{Duration, SystemTime};

use tokio::time::{timeout_at, Instant};

use super::fill;
use super::mime::one_line;
use super::EmailAttachment;
use crate::clock::rfc3339_ms;
use crate::contract::{EmailStrings, FileType, MIB};
use crate::ticket::{Attachment, Ticket};
use crate::uploads::{Uploads, LINK_EXPIRY};

/// The largest image that is attached rather than linked.
const MAX_ATTACHED_FILE: u64 = 5 * MIB;

/// All attached files of one email together. Base64 makes 10 MiB about 14.4 MB on the wire:
/// under the 20 MB that Outlook.com and many company servers take and Gmail's 25 MB, with
/// room for the text (15 MiB would be 21.5 MB). Images beyond it are linked.
const MAX_ATTACHED_TOTAL: u64 = 10 * MIB;

/// How one file travels with the email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Carried {
    Attached,
    /// A download link, valid until `until`.
    Linked {
        url: String,
        until: SystemTime,
    },
    /// The bucket no longer has it, or no link could be made.
    Unavailable,
}

/// One file as the text lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub name: String,
    pub size: u64,
    /// The type's label (`PNG`), or the stored media type when it is none of ours.
    pub type_label: String,
    pub carried: Carried,
}

/// What an email carries of a ticket's files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailFiles {
    /// Every stored file, in the ticket's order.
    pub listed: Vec<Listed>,
    /// Names of the files the bucket could not take when the ticket was sent.
    pub not_received: Vec<String>,
    /// The images attached, in the ticket's order.
    pub attached: Vec<EmailAttachment>,
}

/// Decides, fetches and links the files of `ticket`; images are fetched until `within` has
/// passed (then linked), so the email's own time stays its own. Never fails: see the module.
pub async fn mail_files<U: Uploads>(
    ticket: &Ticket,
    uploads: &U,
    now: SystemTime,
    within: Duration,
) -> MailFiles {
    let deadline = Instant::now() + within;
    let mut files = MailFiles {
        not_received: ticket.attachments_failed.clone(),
        ..MailFiles::default()
    };
    let mut room = MAX_ATTACHED_TOTAL;
    for file in &ticket.attachments {
        let file_type = FileType::from_mime(&file.content_type);
        let image = file_type.filter(|t| t.is_image() && file.size <= MAX_ATTACHED_FILE.min(room));
        let attached = match image {
            Some(image) => attach(file, image, uploads, deadline, &mut room).await,
            None => Fetched::Link,
        };
        let carried = match attached {
            Fetched::Attached(attachment) => {
                files.attached.push(attachment);
                Carried::Attached
            }
            Fetched::Gone => Carried::Unavailable,
            Fetched::Link => link(file, uploads, now).await,
        };
        files.listed.push(Listed {
            name: file.name.clone(),
            size: file.size,
            type_label: file_type.map_or_else(|| file.content_type.clone(), |t| t.label().into()),
            carried,
        });
    }
    files
}

enum Fetched {
    Attached(EmailAttachment),
    Gone,
    /// Not an image, too large, or the bucket could not give it.
    Link,
}

/// The image's bytes, if the bucket gives them by `deadline` and they fit in `room`.
async fn attach<U: Uploads>(
    file: &Attachment,
    file_type: FileType,
    uploads: &U,
    deadline: Instant,
    room: &mut u64,
) -> Fetched {
    let bytes = match timeout_at(deadline, uploads.get(&file.key)).await {
        Ok(Ok(Some(bytes))) => bytes,
        Ok(Ok(None)) => {
            tracing::warn!(key = %file.key, "a ticket's file is gone from the bucket");
            return Fetched::Gone;
        }
        Ok(Err(error)) => {
            tracing::warn!(key = %file.key, %error, "image not fetched: linked instead");
            return Fetched::Link;
        }
        Err(_) => {
            tracing::warn!(key = %file.key, "no time left to fetch the image: linked instead");
            return Fetched::Link;
        }
    };
    let size = bytes.len() as u64;
    // The ticket's size is what was checked on submit; the bytes are what the message carries.
    if size > MAX_ATTACHED_FILE.min(*room) {
        return Fetched::Link;
    }
    *room -= size;
    Fetched::Attached(EmailAttachment {
        name: file.name.clone(),
        file_type,
        bytes,
    })
}

async fn link<U: Uploads>(file: &Attachment, uploads: &U, now: SystemTime) -> Carried {
    match uploads.link(&file.key, LINK_EXPIRY).await {
        Ok(url) => Carried::Linked {
            url,
            until: now + LINK_EXPIRY,
        },
        Err(error) => {
            tracing::warn!(key = %file.key, %error, "no link for a ticket's file");
            Carried::Unavailable
        }
    }
}

impl MailFiles {
    /// The text's "Attachments:" block, after an empty line; nothing for a ticket without files,
    /// so its email reads as it always did.
    pub fn lines(&self, words: &EmailStrings) -> Vec<String> {
        if self.listed.is_empty() && self.not_received.is_empty() {
            return Vec::new();
        }
        let mut lines = vec![String::new(), format!("{}:", words.label_attachments)];
        for file in &self.listed {
            let head = format!(
                "- {} ({}, {})",
                one_line(&file.name),
                size_text(file.size),
                one_line(&file.type_label)
            );
            match &file.carried {
                Carried::Attached => lines.push(format!("{head}: {}", words.attachment_attached)),
                Carried::Linked { url, until } => {
                    let date = date_text(*until);
                    let valid = fill(&words.attachment_link, &[("date", &date)]);
                    lines.push(format!("{head}: {valid}"));
                    // On a line of its own, so mail programs make all of it one link.
                    lines.push(format!("  {url}"));
                }
                Carried::Unavailable => {
                    lines.push(format!("{head}: {}", words.attachment_unavailable))
                }
            }
        }
        for name in &self.not_received {
            let not_received = &words.attachment_not_received;
            lines.push(format!("- {}: {not_received}", one_line(name)));
        }
        lines
    }
}

/// `67 B`, `340 KB`, `18.4 MB` (units of 1024, as the form states its limits).
fn size_text(bytes: u64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < MIB => format!("{} KB", b.div_ceil(1024)),
        b => format!("{:.1} MB", b as f64 / MIB as f64),
    }
}

/// `2025-01-09 03:04 UTC`: the links' expiry, to the minute (in the email, and on the page of
/// an expired link).
pub(crate) fn date_text(t: SystemTime) -> String {
    let stamp = rfc3339_ms(t);
    format!("{} {} UTC", &stamp[..10], &stamp[11..16])
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::testing::{attach, contract, ticket, SilentGets, PNG};
    use crate::uploads::MemoryUploads;

    const SOON: Duration = Duration::from_secs(1);

    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_735_787_045)
    }

    fn words() -> EmailStrings {
        contract().messages.languages["en"].strings.clone()
    }

    /// A ticket with `files` (name, bytes, type) in `uploads`.
    async fn with_files(uploads: &MemoryUploads, files: &[(&str, Bytes, &str)]) -> Ticket {
        let mut t = ticket("HC-1", "s", "billing", "2025-01-02T03:04:05.678Z");
        for (name, bytes, content_type) in files {
            attach(uploads, &mut t, name, bytes.clone(), content_type).await;
        }
        t
    }

    fn sized(bytes: u64) -> Bytes {
        Bytes::from(vec![7u8; bytes as usize])
    }

    fn carried(files: &MailFiles) -> Vec<&Carried> {
        files.listed.iter().map(|l| &l.carried).collect()
    }

    #[tokio::test]
    async fn an_image_is_attached_and_a_video_linked() {
        let uploads = MemoryUploads::new();
        let png = Bytes::from_static(PNG);
        let video = sized(18 * MIB + 400 * 1024);
        let t = with_files(
            &uploads,
            &[
                ("shot.png", png.clone(), "image/png"),
                ("clip.mp4", video, "video/mp4"),
            ],
        )
        .await;
        let files = mail_files(&t, &uploads, now(), SOON).await;
        assert_eq!(
            files.attached,
            [EmailAttachment {
                name: "shot.png".into(),
                file_type: FileType::Png,
                bytes: png
            }]
        );
        let url = "memory:///tickets/HC-1/0000000001/clip.mp4?expires=604800";
        assert_eq!(
            carried(&files)[1],
            &Carried::Linked {
                url: url.into(),
                until: now() + LINK_EXPIRY
            }
        );
        assert_eq!(
            files.lines(&words()),
            [
                "",
                "Attachments:",
                "- shot.png (67 B, PNG): attached",
                "- clip.mp4 (18.4 MB, MP4): link valid until 2025-01-09 03:04 UTC",
                &format!("  {url}"),
            ]
        );
    }

    #[tokio::test]
    async fn images_over_the_size_or_the_budget_are_linked() {
        let uploads = MemoryUploads::new();
        let four = sized(4 * MIB);
        let t = with_files(
            &uploads,
            &[
                ("big.png", sized(MAX_ATTACHED_FILE + 1), "image/png"),
                ("a.jpg", four.clone(), "image/jpeg"),
                ("b.webp", four.clone(), "image/webp"),
                ("c.gif", four, "image/gif"),
                ("small.png", sized(2 * MIB), "image/png"),
            ],
        )
        .await;
        let files = mail_files(&t, &uploads, now(), SOON).await;
        let attached: Vec<&str> = files.attached.iter().map(|a| a.name.as_str()).collect();
        // 4 + 4 MiB attached; the third 4 MiB would pass 10 MiB, the 2 MiB after it still fits.
        assert_eq!(attached, ["a.jpg", "b.webp", "small.png"]);
        let total: usize = files.attached.iter().map(|a| a.bytes.len()).sum();
        assert!(total as u64 <= MAX_ATTACHED_TOTAL);
        let linked = |i: usize| matches!(carried(&files)[i], Carried::Linked { .. });
        assert!(linked(0) && linked(3), "{:?}", files.listed);
    }

    #[tokio::test]
    async fn a_missing_image_is_not_available_and_failed_files_not_received() {
        let uploads = MemoryUploads::new();
        let mut t = with_files(
            &uploads,
            &[("gone.png", Bytes::from_static(PNG), "image/png")],
        )
        .await;
        uploads.delete(&t.attachments[0].key).await.unwrap();
        t.attachments_failed = vec!["late.mov".into(), "evil\r\n- x.png: attached".into()];
        let files = mail_files(&t, &uploads, now(), SOON).await;
        assert!(files.attached.is_empty());
        assert_eq!(
            files.lines(&words())[2..],
            [
                "- gone.png (67 B, PNG): not available",
                "- late.mov: not received",
                "- evil  - x.png: attached: not received",
            ]
        );
    }

    #[tokio::test]
    async fn a_bucket_that_is_down_lists_every_file_as_not_available() {
        let uploads = MemoryUploads::new();
        let t = with_files(
            &uploads,
            &[
                ("shot.png", Bytes::from_static(PNG), "image/png"),
                ("log.txt", sized(10), "text/plain"),
            ],
        )
        .await;
        uploads.set_failing(true);
        let files = mail_files(&t, &uploads, now(), SOON).await;
        assert!(files.attached.is_empty());
        assert_eq!(
            carried(&files),
            [&Carried::Unavailable, &Carried::Unavailable]
        );
    }

    #[tokio::test]
    async fn images_the_bucket_does_not_give_in_time_are_linked() {
        let uploads = MemoryUploads::new();
        let png = Bytes::from_static(PNG);
        let t = with_files(
            &uploads,
            &[
                ("a.png", png.clone(), "image/png"),
                ("b.png", png, "image/png"),
            ],
        )
        .await;
        let silent = SilentGets(uploads);
        let started = Instant::now();
        let files = mail_files(&t, &silent, now(), Duration::from_millis(50)).await;
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "one deadline for all"
        );
        assert!(files.attached.is_empty());
        assert!(carried(&files)
            .iter()
            .all(|c| matches!(c, Carried::Linked { .. })));
    }

    #[test]
    fn sizes_read_like_the_forms_limits() {
        assert_eq!(size_text(0), "0 B");
        assert_eq!(size_text(1023), "1023 B");
        assert_eq!(size_text(1025), "2 KB");
        assert_eq!(size_text(MIB), "1.0 MB");
        assert_eq!(size_text(20 * MIB), "20.0 MB");
    }

    #[test]
    fn no_files_no_lines() {
        assert!(MailFiles::default().lines(&words()).is_empty());
    }
}
