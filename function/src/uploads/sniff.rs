//! A file's type from its first bytes, by the `infer` crate's signatures; a file no signature
//! matches is plain text only if its start is UTF-8 without control characters. The name and the
//! browser's claim are never asked: a renamed program or a page saved as `shot.png` is not an
//! image.

use crate::contract::FileType;

/// How much of a file the checks read: `infer`'s longest signatures (Matroska/WebM) look at the
/// first 256 bytes, and a text file shows binary content early.
pub const SNIFF_BYTES: usize = 4096;

/// The type of a file that starts with `head`, if it is one of ours.
pub fn sniff(head: &[u8]) -> Option<FileType> {
    match infer::get(head) {
        Some(kind) => match kind.mime_type() {
            // An MP4 with Apple's M4V brand is still an MP4.
            "video/x-m4v" => Some(FileType::Mp4),
            mime => FileType::from_mime(mime),
        },
        None if is_plain_text(head) => Some(FileType::Text),
        None => None,
    }
}

/// UTF-8 (a character cut off at the end of `head` is fine) with line breaks, tabs and form
/// feeds as the only control characters. HTML, XML and scripts were matched by `infer` already.
fn is_plain_text(head: &[u8]) -> bool {
    let text = match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(e) if e.error_len().is_none() && head.len() - e.valid_up_to() < 4 => {
            // Checked just above: the prefix up to `valid_up_to` is UTF-8.
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    text.chars()
        .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::PNG;

    #[test]
    fn images_video_and_documents_by_their_bytes() {
        assert_eq!(sniff(PNG), Some(FileType::Png));
        assert_eq!(
            sniff(b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00"),
            Some(FileType::Jpeg)
        );
        assert_eq!(sniff(b"GIF89a\x01\x00\x01\x00"), Some(FileType::Gif));
        assert_eq!(sniff(b"RIFF\x1a\x00\x00\x00WEBPVP8 "), Some(FileType::Webp));
        assert_eq!(
            sniff(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00"),
            Some(FileType::Mp4)
        );
        assert_eq!(
            sniff(b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00"),
            Some(FileType::Quicktime)
        );
        let mut webm = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm".to_vec();
        webm.resize(300, 0);
        assert_eq!(sniff(&webm), Some(FileType::Webm));
        assert_eq!(sniff(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"), Some(FileType::Pdf));
    }

    #[test]
    fn text_is_utf8_without_controls() {
        assert_eq!(
            sniff(b"2026-12-01 12:00 ERROR sync failed\r\n\tat x\n"),
            Some(FileType::Text)
        );
        assert_eq!(sniff("Ошибка: café".as_bytes()), Some(FileType::Text));
        // A multi-byte character cut off at the end of the sniffed prefix is still text.
        assert_eq!(sniff(&"é".as_bytes()[..1]), Some(FileType::Text));
        assert_eq!(sniff(b"text\x00with NUL"), None);
        assert_eq!(sniff(b"\xff\xfe latin junk \xe9t\xe9"), None);
    }

    #[test]
    fn programs_and_pages_are_not_ours() {
        assert_eq!(sniff(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"), None);
        assert_eq!(sniff(b"\x7fELF\x02\x01\x01\x00\x00\x00"), None);
        assert_eq!(
            sniff(b"<!DOCTYPE html><html><script>alert(1)</script>"),
            None
        );
        assert_eq!(sniff(b"<html ><body>"), None);
        assert_eq!(sniff(b"#!/bin/sh\nrm -rf /\n"), None);
        assert_eq!(sniff(b"<?xml version=\"1.0\"?><svg/>"), None);
        assert_eq!(sniff(b"PK\x03\x04\x14\x00\x00\x00"), None);
    }
}
