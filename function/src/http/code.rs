//! The field problem codes both parsing (shape problems) and validation (content problems) report,
//! one per field. They are part of the public answer: the pages translate them, so they are stable.

use std::collections::BTreeMap;

use serde::Serialize;

/// Machine-readable problem codes, stable: the pages translate them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// A required field is missing or blank.
    Required,
    /// Fewer characters than the contract's `min_chars` (after trimming and NFC).
    TooShort,
    /// More characters than the contract's `max_chars` (after trimming and NFC).
    TooLong,
    /// Not an email address we can reply to.
    InvalidEmail,
    /// Control characters (line breaks, NUL, bidi overrides…) in a one-line field.
    ControlChars,
    /// Language, audience, category or subcategory that does not exist or does not belong together.
    UnknownChoice,
    /// A field the form does not have.
    UnknownField,
    /// A JSON value of the wrong type (number, boolean, array or object for a text field).
    WrongType,
    /// The same field sent twice.
    Repeated,
    /// Wrong shape for `submission_id`, `page` or `elapsed_ms`.
    InvalidFormat,
    /// Sent faster than a person can fill the form (`elapsed_ms` below `limits.min_fill_ms`).
    TooFast,
    /// More files than the contract's `attachments.max_files`.
    TooManyFiles,
    /// A file over `attachments.max_file_mib`, or a post without JavaScript over `max_post_mib`.
    TooLarge,
    /// A file of zero bytes.
    EmptyFile,
    /// A file whose first bytes are not one of the allowed types (whatever its name or claim).
    UnsupportedType,
    /// An upload that is not there under this submission (never uploaded, expired, another
    /// submission's).
    UploadMissing,
}

impl Code {
    pub const ALL: [Code; 16] = [
        Code::Required,
        Code::TooShort,
        Code::TooLong,
        Code::InvalidEmail,
        Code::ControlChars,
        Code::UnknownChoice,
        Code::UnknownField,
        Code::WrongType,
        Code::Repeated,
        Code::InvalidFormat,
        Code::TooFast,
        Code::TooManyFiles,
        Code::TooLarge,
        Code::EmptyFile,
        Code::UnsupportedType,
        Code::UploadMissing,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::Required => "required",
            Code::TooShort => "too_short",
            Code::TooLong => "too_long",
            Code::InvalidEmail => "invalid_email",
            Code::ControlChars => "control_chars",
            Code::UnknownChoice => "unknown_choice",
            Code::UnknownField => "unknown_field",
            Code::WrongType => "wrong_type",
            Code::Repeated => "repeated",
            Code::InvalidFormat => "invalid_format",
            Code::TooFast => "too_fast",
            Code::TooManyFiles => "too_many_files",
            Code::TooLarge => "too_large",
            Code::EmptyFile => "empty_file",
            Code::UnsupportedType => "unsupported_type",
            Code::UploadMissing => "upload_missing",
        }
    }
}

/// Field name → the first problem found in it.
pub type FieldErrors = BTreeMap<String, Code>;
