//! What a ticket may carry (`ticket.attachments` in helpcenter.yaml): how many files, how large,
//! which types. The form's hints and `accept` list, the upload slots and the checks on submit all
//! read these numbers from here.

use serde::{Deserialize, Serialize};

/// One MiB: the limits are set and shown in MiB.
pub const MIB: u64 = 1024 * 1024;

/// The limits of attachments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attachments {
    /// Files per ticket; 0 turns attachments off (the form has no file field).
    pub max_files: u32,
    /// The largest file, in MiB (an upload slot signs its exact length).
    pub max_file_mib: u32,
    /// Without JavaScript the files travel inside the form's post, which Lambda takes up to
    /// 6 MB of (base64 included): the whole post may have at most this many MiB.
    pub max_post_mib: u32,
    /// The allowed types, in the order the form's hint names them.
    pub types: Vec<FileType>,
}

impl Default for Attachments {
    fn default() -> Self {
        Attachments {
            max_files: 5,
            max_file_mib: 20,
            max_post_mib: 4,
            types: FileType::ALL.to_vec(),
        }
    }
}

impl Attachments {
    pub fn enabled(&self) -> bool {
        self.max_files > 0 && !self.types.is_empty()
    }

    pub fn max_file_bytes(&self) -> u64 {
        u64::from(self.max_file_mib) * MIB
    }

    pub fn max_post_bytes(&self) -> usize {
        (u64::from(self.max_post_mib) * MIB) as usize
    }

    pub fn allows(&self, file_type: FileType) -> bool {
        self.enabled() && self.types.contains(&file_type)
    }

    /// What is wrong with these limits, if anything (checked with the rest of the contract).
    pub fn problem(&self) -> Option<String> {
        if self.max_files > 20 {
            return Some(format!("max_files {} is more than 20", self.max_files));
        }
        // S3 takes at most 5 GiB in one PUT; beyond a few GiB no mail or browser copes anyway.
        if !(1..=5 * 1024).contains(&self.max_file_mib) {
            return Some(format!(
                "max_file_mib {} is not from 1 to 5120",
                self.max_file_mib
            ));
        }
        if !(1..=4).contains(&self.max_post_mib) {
            return Some(format!(
                "max_post_mib {} is not from 1 to 4 (Lambda's payload limit)",
                self.max_post_mib
            ));
        }
        let mut seen = Vec::new();
        if let Some(dup) = self.types.iter().find(|t| {
            let again = seen.contains(t);
            seen.push(*t);
            again
        }) {
            return Some(format!("type `{}` is listed twice", dup.label()));
        }
        None
    }
}

/// The file types a ticket can carry: screenshots, screen recordings, documents and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileType {
    Png,
    Jpeg,
    Gif,
    Webp,
    Mp4,
    Webm,
    Quicktime,
    Pdf,
    Text,
}

impl FileType {
    pub const ALL: [FileType; 9] = [
        FileType::Png,
        FileType::Jpeg,
        FileType::Gif,
        FileType::Webp,
        FileType::Mp4,
        FileType::Webm,
        FileType::Quicktime,
        FileType::Pdf,
        FileType::Text,
    ];

    /// The media type files of this type are stored and mailed with.
    pub fn mime(self) -> &'static str {
        match self {
            FileType::Png => "image/png",
            FileType::Jpeg => "image/jpeg",
            FileType::Gif => "image/gif",
            FileType::Webp => "image/webp",
            FileType::Mp4 => "video/mp4",
            FileType::Webm => "video/webm",
            FileType::Quicktime => "video/quicktime",
            FileType::Pdf => "application/pdf",
            FileType::Text => "text/plain",
        }
    }

    /// The type a browser claims (`File.type`, a part's `Content-Type`), parameters ignored.
    pub fn from_mime(mime: &str) -> Option<FileType> {
        let essence = mime.split(';').next().unwrap_or_default().trim();
        FileType::ALL
            .into_iter()
            .find(|t| t.mime().eq_ignore_ascii_case(essence))
    }

    /// File name extensions, for the file control's `accept` list (with the media types).
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            FileType::Png => &["png"],
            FileType::Jpeg => &["jpg", "jpeg"],
            FileType::Gif => &["gif"],
            FileType::Webp => &["webp"],
            FileType::Mp4 => &["mp4"],
            FileType::Webm => &["webm"],
            FileType::Quicktime => &["mov"],
            FileType::Pdf => &["pdf"],
            FileType::Text => &["txt", "log"],
        }
    }

    /// How people know the type: the form's hint lists these.
    pub fn label(self) -> &'static str {
        match self {
            FileType::Png => "PNG",
            FileType::Jpeg => "JPEG",
            FileType::Gif => "GIF",
            FileType::Webp => "WebP",
            FileType::Mp4 => "MP4",
            FileType::Webm => "WebM",
            FileType::Quicktime => "MOV",
            FileType::Pdf => "PDF",
            FileType::Text => "TXT",
        }
    }

    /// Images are attached to the team's emails (up to a size); other files are linked.
    pub fn is_image(self) -> bool {
        matches!(
            self,
            FileType::Png | FileType::Jpeg | FileType::Gif | FileType::Webp
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_round_trip() {
        for t in FileType::ALL {
            assert_eq!(FileType::from_mime(t.mime()), Some(t));
        }
        assert_eq!(
            FileType::from_mime("Text/Plain; charset=utf-8"),
            Some(FileType::Text)
        );
        assert_eq!(FileType::from_mime("text/html"), None);
        assert_eq!(FileType::from_mime(""), None);
    }

    #[test]
    fn limits_are_checked() {
        let ok = Attachments::default();
        assert_eq!(ok.problem(), None);
        assert_eq!(ok.max_file_bytes(), 20 * MIB);
        let bad = |f: fn(&mut Attachments)| {
            let mut a = Attachments::default();
            f(&mut a);
            a.problem().expect("a problem")
        };
        assert!(bad(|a| a.max_files = 21).contains("max_files"));
        assert!(bad(|a| a.max_file_mib = 0).contains("max_file_mib"));
        assert!(bad(|a| a.max_post_mib = 6).contains("Lambda"));
        assert!(bad(|a| a.types.push(FileType::Png)).contains("`PNG` is listed twice"));
        let off = Attachments {
            max_files: 0,
            ..Attachments::default()
        };
        assert!(!off.enabled() && !off.allows(FileType::Png));
    }
}
