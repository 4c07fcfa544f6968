//! An [`Email`] as RFC 5322 + MIME bytes, built by `mail-builder`: it writes the subject as
//! RFC 2047 encoded words when it needs them, folds long headers, and picks 7bit,
//! quoted-printable or base64 for the body (whichever is safe and shortest). The same builder
//! makes `multipart/mixed` bodies with attachments: their file names are RFC 2231 parameters
//! (percent-encoded UTF-8 whenever a name is not plain printable ASCII), so a quote, a
//! semicolon or a line break in a name stays inside its parameter.

use std::time::UNIX_EPOCH;

use mail_builder::headers::date::Date;
use mail_builder::headers::message_id::MessageId;
use mail_builder::MessageBuilder;

use super::Email;

impl Email {
    /// The message with CRLF line ends. Addresses were validated before (no specials); control
    /// characters are stripped from every header value and become spaces in the subject and
    /// file names anyway, so no input can start a header of its own. Without attachments the
    /// message is the text part alone, as it always was.
    pub fn to_mime(&self) -> Vec<u8> {
        let domain = self.from.rsplit_once('@').map_or("localhost", |(_, d)| d);
        let seconds = self
            .date
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut message = MessageBuilder::new()
            .from(strip_controls(&self.from))
            .to(strip_controls(&self.to));
        if let Some(reply_to) = &self.reply_to {
            message = message.reply_to(strip_controls(reply_to));
        }
        let message = message
            .subject(one_line(&self.subject))
            .date(Date::from(seconds))
            .message_id(MessageId::new(format!(
                "{}@{}",
                strip_controls(&self.id),
                strip_controls(domain)
            )))
            // Text is canonical with CRLF line ends, also under base64 (RFC 2046 section 4.1.1).
            .text_body(self.text.replace('\n', "\r\n"));
        let message = self.attachments.iter().fold(message, |message, file| {
            let bytes: &[u8] = &file.bytes;
            message.attachment(file.file_type.mime(), one_line(&file.name), bytes)
        });
        let mut bytes = Vec::new();
        message.serialize(&mut bytes);
        bytes
    }
}

fn strip_controls(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

/// Text for one line (a subject, a file name): control characters, line breaks included,
/// become spaces.
pub(super) fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use mail_parser::{Message, MessageParser, MimeHeaders};

    use bytes::Bytes;

    use super::*;
    use crate::contract::FileType;
    use crate::mail::EmailAttachment;
    use crate::testing::email;

    fn text(mime: &[u8]) -> &str {
        std::str::from_utf8(mime).expect("MIME is ASCII")
    }

    fn headers(mime: &str) -> Vec<&str> {
        mime.split("\r\n\r\n")
            .next()
            .unwrap()
            .split("\r\n")
            .collect()
    }

    fn parse(mime: &[u8]) -> Message<'_> {
        MessageParser::default().parse(mime).expect("a message")
    }

    /// The decoded text body, with the `\n` line breaks the email was given.
    fn body_text(mime: &[u8]) -> String {
        parse(mime).body_text(0).unwrap().replace("\r\n", "\n")
    }

    fn address(list: Option<&mail_parser::Address<'_>>) -> Option<String> {
        let first = list?.first()?;
        first.address().map(str::to_owned)
    }

    #[test]
    fn subject_cannot_inject_headers() {
        let e = email("Hi\r\nBcc: victim@example.net\nX-Evil: 1");
        let bytes = e.to_mime();
        let mime = text(&bytes);
        for line in headers(mime) {
            assert!(
                !line.starts_with("Bcc") && !line.starts_with("X-Evil"),
                "{line}"
            );
            assert!(line.len() <= 78, "{line}");
        }
        assert!(mime.contains("Reply-To: <ada@example.org>\r\n"), "{mime}");
        let parsed = parse(&bytes);
        assert_eq!(
            address(parsed.reply_to()).as_deref(),
            Some("ada@example.org")
        );
        assert!(parsed.bcc().is_none());
        assert_eq!(
            parsed.subject(),
            Some("[HC-01JGM1ABC-X4KM] billing · Hi  Bcc: victim@example.net X-Evil: 1")
        );
    }

    /// Whatever reaches a header (addresses, the id), a line break in it never becomes a header.
    #[test]
    fn no_header_field_can_inject_headers() {
        let evil = "\r\nBcc: victim@example.net\r\nX-Evil: 1\r\n\r\nbody";
        let mut e = email("Refund missing");
        e.from = format!("tickets@example.com{evil}");
        e.to = format!("support@example.com{evil}");
        e.reply_to = Some(format!("ada@example.org{evil}"));
        e.id = format!("HC-01JGM1ABC-X4KM{evil}");
        let bytes = e.to_mime();
        let mime = text(&bytes);
        let names: Vec<&str> = headers(mime)
            .into_iter()
            .filter(|l| !l.starts_with([' ', '\t']))
            .filter_map(|l| l.split_once(':').map(|(name, _)| name))
            .collect();
        assert_eq!(
            names,
            [
                "From",
                "To",
                "Reply-To",
                "Subject",
                "Date",
                "Message-ID",
                "MIME-Version",
                "Content-Type",
                "Content-Transfer-Encoding"
            ],
            "{mime}"
        );
        let parsed = parse(&bytes);
        assert!(parsed.bcc().is_none());
        assert_eq!(parsed.text_body_count(), 1);
        assert!(parsed.body_text(0).unwrap().starts_with("This ticket"));
    }

    #[test]
    fn long_unicode_subject_is_folded_into_valid_words() {
        let subject = "Оплата не прошла, деньги списаны дважды — помогите пожалуйста 😀".repeat(2);
        let bytes = email(&subject).to_mime();
        let mime = text(&bytes);
        let subject_lines: Vec<&str> = headers(mime)
            .into_iter()
            .skip_while(|l| !l.starts_with("Subject:"))
            .take_while(|l| l.starts_with("Subject:") || l.starts_with(' '))
            .collect();
        assert!(subject_lines.len() > 2);
        for line in &subject_lines {
            assert!(line.len() <= 78, "{line}");
            assert!(line
                .trim()
                .trim_start_matches("Subject: ")
                .starts_with("=?utf-8?"));
        }
        let decoded = parse(&bytes).subject().unwrap().to_owned();
        assert!(decoded.ends_with(&subject), "{decoded}");
    }

    #[test]
    fn body_round_trips_with_short_lines() {
        let mut e = email("Refund missing");
        let bytes = e.to_mime();
        let mime = text(&bytes);
        let body = mime.split_once("\r\n\r\n").unwrap().1;
        assert!(body.split("\r\n").all(|l| l.len() <= 76), "{body}");
        assert_eq!(body_text(&bytes), e.text);
        // One very long line, in ASCII and not: still short lines, still the same text.
        for long in ["x".repeat(500), "é".repeat(500)] {
            e.text = long;
            let bytes = e.to_mime();
            let body = text(&bytes).split_once("\r\n\r\n").unwrap().1.to_owned();
            assert!(body.split("\r\n").all(|l| l.len() <= 76), "{body}");
            assert_eq!(body_text(&bytes), e.text);
        }
    }

    #[test]
    fn headers_carry_the_date_and_the_ids() {
        let mut e = email("Refund missing");
        e.date = UNIX_EPOCH + Duration::from_millis(1_735_787_045_678);
        let bytes = e.to_mime();
        let mime = text(&bytes);
        assert!(
            mime.contains("\r\nDate: Thu, 2 Jan 2025 03:04:05 +0000\r\n"),
            "{mime}"
        );
        let parsed = parse(&bytes);
        assert_eq!(
            parsed.message_id(),
            Some("HC-01JGM1ABC-X4KM.sub-a-0001@example.com")
        );
        assert_eq!(
            address(parsed.from()).as_deref(),
            Some("tickets@example.com")
        );
        assert_eq!(address(parsed.to()).as_deref(), Some("support@example.com"));
    }

    fn with_files(names: &[&str]) -> Email {
        let mut e = email("Refund missing");
        e.attachments = names
            .iter()
            .map(|name| EmailAttachment {
                name: (*name).into(),
                file_type: FileType::Png,
                bytes: Bytes::from_static(crate::testing::PNG),
            })
            .collect();
        e
    }

    /// Names with quotes, semicolons, line breaks, non-ASCII and great length stay inside their
    /// parameter: no header of their own, and they read back as sent (line breaks as spaces).
    #[test]
    fn file_names_cannot_inject_headers() {
        let names = [
            "shot \"1\"; filename=evil.exe.png",
            "a.png\r\nBcc: victim@example.net\r\nX-Evil: 1\r\n\r\nbody",
            "Снимок экрана 2025-01-02 в 03.04.05 😀.png",
            "لقطة شاشة.png",
            &format!("{}.png", "long name ".repeat(12)),
        ];
        let e = with_files(&names);
        let bytes = e.to_mime();
        let mime = text(&bytes);
        for line in mime.split("\r\n") {
            assert!(
                !line.starts_with("Bcc") && !line.starts_with("X-Evil") && line.len() <= 78,
                "{line}"
            );
        }
        let parsed = parse(&bytes);
        assert!(parsed.bcc().is_none());
        assert_eq!(parsed.attachment_count(), names.len());
        for (n, name) in names.iter().enumerate() {
            let part = parsed.attachment(n as u32).expect("the attachment");
            assert_eq!(
                part.attachment_name(),
                Some(one_line(name).as_str()),
                "{name}"
            );
            assert_eq!(part.contents(), crate::testing::PNG);
            let content_type = part.content_type().expect("a type");
            assert_eq!(
                (content_type.ctype(), content_type.subtype()),
                ("image", Some("png"))
            );
        }
        assert_eq!(body_text(&bytes), e.text);
    }

    /// The top-level headers stay those of the plain message; only the type becomes
    /// `multipart/mixed` (and the encoding moves into the parts).
    #[test]
    fn attachments_make_a_mixed_message_of_the_same_headers() {
        let names = |mime: &[u8]| -> Vec<String> {
            headers(text(mime))
                .into_iter()
                .filter(|l| !l.starts_with([' ', '\t']))
                .filter_map(|l| l.split_once(':').map(|(name, _)| name.to_owned()))
                .collect()
        };
        let plain = email("Refund missing").to_mime();
        let mixed = with_files(&["shot.png"]).to_mime();
        let mut expected = names(&plain);
        expected.retain(|n| n != "Content-Transfer-Encoding");
        assert_eq!(names(&mixed), expected);
        assert!(text(&plain).contains("\r\nContent-Type: text/plain; charset=\"utf-8\"\r\n"));
        assert!(text(&mixed).contains("\r\nContent-Type: multipart/mixed;"));
        assert_eq!(parse(&mixed).text_body_count(), 1);
    }
}
