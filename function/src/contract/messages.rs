//! The words of the worker's emails in the contract: the team email's labels and the
//! acknowledgement, per language, from the theme's `email_*` UI strings.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The words of the emails the ticket worker sends, from the theme's UI strings
/// (`site/i18n/<lang>.yaml`, keys `email_*`) and the contact settings. Public text only: queue
/// routes (internal addresses) are deployment settings and never appear here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Messages {
    /// `ticket.acknowledge` in helpcenter.yaml: whether submitters get an acknowledgement.
    pub acknowledge: bool,
    /// `ticket.privacy_url`: linked from every acknowledgement (required when `acknowledge`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_url: Option<String>,
    /// Per language code, for every language of the site.
    pub languages: BTreeMap<String, LanguageMessages>,
}

/// One language's email words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageMessages {
    /// The language's own name (`Italiano`), for the team email's "answer in" line.
    pub language_name: String,
    /// The site's title in this language (the home page's), for the signature.
    pub site_title: String,
    /// Support hours as the contact page writes them, one line per row (`Mon–Fri 09:00–18:00`).
    pub hours: Vec<String>,
    /// `contact.timezone`: the IANA zone of the hours (`Europe/Rome`).
    pub timezone: String,
    pub strings: EmailStrings,
}

/// The theme's `email_*` UI strings of one language, without the prefix. `{name}` placeholders
/// are filled by the worker: `{ticket_id}`, `{subject}`, `{username}`, `{hours}`, `{language}`,
/// `{url}`, `{site_title}`, `{date}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailStrings {
    // The team email's field labels (the default language's are used).
    pub label_audience: String,
    pub label_category: String,
    pub label_language: String,
    pub label_page: String,
    pub label_username: String,
    pub label_email: String,
    pub label_received: String,
    pub label_message: String,
    /// "Answer in {language}." — the ticket's language, so the team answers in it.
    pub team_answer_in: String,
    // The acknowledgement.
    /// Subject line, e.g. "We received your request {ticket_id}".
    pub ack_subject: String,
    /// "Hello {username}," (with a username) and "Hello," (without).
    pub ack_greeting_named: String,
    pub ack_greeting: String,
    pub ack_intro: String,
    /// "Your ticket number: {ticket_id}"
    pub ack_ticket: String,
    /// "Subject: {subject}"
    pub ack_subject_line: String,
    /// "We usually answer within {hours} hours."
    pub ack_response: String,
    /// "Support hours ({timezone}):", followed by the hours lines.
    pub ack_hours: String,
    pub ack_one_question: String,
    /// "To add details, reply to this email."
    pub ack_reply: String,
    /// "How we handle your data: {url}"
    pub ack_privacy: String,
    /// "The {site_title} support team"
    pub ack_signature: String,
    // The files, in the team email and the fallback email (the default language's).
    /// The heading of the list of files.
    pub label_attachments: String,
    /// After an image that travels with the email.
    pub attachment_attached: String,
    /// After a file that is linked: "link valid until {date}" (the link follows on its line).
    pub attachment_link: String,
    /// After a file the bucket no longer has.
    pub attachment_unavailable: String,
    /// After a file the person sent that the bucket could not take.
    pub attachment_not_received: String,
}
