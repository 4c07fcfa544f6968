//! The ticket contract: one typed definition of the form's fields, limits and choices.
//!
//! The generator builds it from `helpcenter.yaml` and the category front matter, renders every
//! language's form from it and writes it as `ticket-contract.json` at the root of the site; the
//! function loads that JSON at start and validates submissions against it. Nothing else may keep a
//! second copy of these names or numbers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

mod attachments;
mod feedback;
mod messages;

pub use attachments::{Attachments, FileType, MIB};
pub use feedback::{CategoryPages, Feedback, REASONS};
pub use messages::{EmailStrings, LanguageMessages, Messages};

/// The file name of the contract at the root of the built site.
pub const CONTRACT_FILE: &str = "ticket-contract.json";

/// Version of the JSON shape; bumped on incompatible changes so an old function refuses a new site.
/// 2: `messages` (what the ticket worker writes to people). 3: `attachments`. 4: `feedback`.
pub const CONTRACT_VERSION: u32 = 4;

/// Names of the submission's fields, as sent in JSON and as the HTML form's control names.
pub mod field {
    pub const SUBMISSION_ID: &str = "submission_id";
    pub const LANGUAGE: &str = "language";
    pub const AUDIENCE: &str = "audience";
    pub const CATEGORY: &str = "category";
    pub const SUBCATEGORY: &str = "subcategory";
    pub const USERNAME: &str = "username";
    pub const EMAIL: &str = "email";
    pub const SUBJECT: &str = "subject";
    pub const DESCRIPTION: &str = "description";
    pub const PAGE: &str = "page";
    /// Honeypot: hidden from people, filled by bots. A filled one gets a fake success.
    pub const HONEYPOT: &str = "website";
    /// Milliseconds the visitor spent on the form, filled by the page's script.
    pub const ELAPSED_MS: &str = "elapsed_ms";
    /// The files: upload keys (JSON, from the page's script) or file parts (multipart form).
    pub const ATTACHMENTS: &str = "attachments";

    /// The text fields the function stores; the contract says which of them the form has and
    /// their limits. `page` is filled by the page itself and has a built-in rule when the contract
    /// omits it.
    pub const TEXT_FIELDS: [&str; 5] = [USERNAME, EMAIL, SUBJECT, DESCRIPTION, PAGE];

    /// The choice fields, always required.
    pub const CHOICE_FIELDS: [&str; 4] = [LANGUAGE, AUDIENCE, CATEGORY, SUBCATEGORY];

    /// Fields the function itself defines (not listed in the contract's `fields`).
    pub const FUNCTION_FIELDS: [&str; 4] = [SUBMISSION_ID, HONEYPOT, ELAPSED_MS, ATTACHMENTS];

    /// Whether `name` is a field the function understands at all (used to check a contract at
    /// start).
    pub fn is_known(name: &str) -> bool {
        TEXT_FIELDS.contains(&name)
            || CHOICE_FIELDS.contains(&name)
            || FUNCTION_FIELDS.contains(&name)
    }
}

/// Labels of one choice per language code (`{"en": "Billing", "it": "Pagamenti"}`).
pub type Labels = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketContract {
    pub version: u32,
    /// Absolute base URL of the site (no trailing slash): the no-JavaScript post is redirected to
    /// `{site_url}/{language}/contact/thanks/` or back to `{site_url}/{language}/contact/`.
    pub site_url: String,
    /// Where the form posts (absolute URL, or a path on the site's origin).
    pub endpoint: String,
    /// Shown when the function or its storage is down.
    pub fallback_email: String,
    /// Expected first response, in hours (shown on the contact and thank-you pages).
    pub response_hours: u32,
    pub default_language: String,
    /// Every language the site is built in; `language` must be one of these.
    pub languages: Vec<String>,
    pub limits: Limits,
    /// How many files of which types and sizes a ticket may carry.
    pub attachments: Attachments,
    /// The form's text fields in display order, with their character limits.
    pub fields: Vec<FieldSpec>,
    /// Audiences → categories → subcategories, in display order.
    pub audiences: Vec<Audience>,
    /// What the ticket worker writes to people: the team email's labels and the
    /// acknowledgement, per language.
    pub messages: Messages,
    /// What visitors' feedback (the `feedback` sibling endpoint) may name: reasons and articles.
    pub feedback: Feedback,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Largest accepted request body in bytes (413 above it).
    pub max_body_bytes: usize,
    /// Smallest plausible time to fill the form by hand; faster posts are treated as bots.
    pub min_fill_ms: u64,
    /// Words the subject should have (a hint, not enforced): `[min, max]`.
    pub subject_words: [u32; 2],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// One line of text (control characters rejected).
    Line,
    /// An email address.
    Email,
    /// Multi-line text.
    Text,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// One of the names in [`field`].
    pub name: String,
    pub kind: FieldKind,
    pub required: bool,
    /// Minimum length in characters after trimming and NFC normalisation (0 = none).
    #[serde(default)]
    pub min_chars: usize,
    /// Maximum length in characters after trimming and NFC normalisation.
    pub max_chars: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Audience {
    pub id: String,
    pub labels: Labels,
    pub categories: Vec<Category>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    /// The support queue that answers this category's tickets.
    pub queue: String,
    pub labels: Labels,
    pub subcategories: Vec<Subcategory>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subcategory {
    pub id: String,
    pub labels: Labels,
}

#[derive(Debug, thiserror::Error)]
pub enum ContractError {
    #[error("the ticket contract is not valid JSON of the expected shape: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the ticket contract has version {found}, this function understands version {CONTRACT_VERSION}: deploy the function and the site from the same release")]
    Version { found: u32 },
    #[error("the ticket contract is inconsistent: {0}")]
    Inconsistent(String),
}

impl TicketContract {
    /// Parses and checks a contract written by the generator.
    pub fn from_json(json: &str) -> Result<Self, ContractError> {
        let contract: TicketContract = serde_json::from_str(json)?;
        if contract.version != CONTRACT_VERSION {
            return Err(ContractError::Version {
                found: contract.version,
            });
        }
        contract.check()?;
        Ok(contract)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self)
            .expect("the contract is plain data and always serializes")
    }

    /// The invariants both crates rely on: known default language, unique ids, no empty lists.
    pub fn check(&self) -> Result<(), ContractError> {
        let fail = |msg: String| Err(ContractError::Inconsistent(msg));
        if !self.languages.contains(&self.default_language) {
            return fail(format!(
                "default language `{}` is not among the languages",
                self.default_language
            ));
        }
        if self.audiences.is_empty() {
            return fail("no audiences".into());
        }
        if let Some(dup) = first_duplicate(self.audiences.iter().map(|a| a.id.as_str())) {
            return fail(format!("audience `{dup}` appears twice"));
        }
        for audience in &self.audiences {
            if audience.categories.is_empty() {
                return fail(format!("audience `{}` has no categories", audience.id));
            }
            if let Some(dup) = first_duplicate(audience.categories.iter().map(|c| c.id.as_str())) {
                return fail(format!(
                    "category `{dup}` appears twice in audience `{}`",
                    audience.id
                ));
            }
            for category in &audience.categories {
                if let Some(dup) =
                    first_duplicate(category.subcategories.iter().map(|s| s.id.as_str()))
                {
                    return fail(format!(
                        "subcategory `{dup}` appears twice in `{}/{}`",
                        audience.id, category.id
                    ));
                }
            }
        }
        if let Some(problem) = self.attachments.problem() {
            return fail(format!("attachments: {problem}"));
        }
        if let Some(problem) = self.feedback.problem(&self.languages) {
            return fail(format!("feedback: {problem}"));
        }
        self.check_messages()
    }

    /// A sibling of the ticket endpoint (`…/tickets` → `…/uploads`): the function answers
    /// upload slots and feedback under the same base.
    pub fn sibling_endpoint(&self, name: &str) -> String {
        let base = self.endpoint.trim_end_matches('/');
        match base.rsplit_once('/') {
            Some((parent, _)) => format!("{parent}/{name}"),
            None => name.to_owned(),
        }
    }

    /// Every language has its email words, and acknowledgements have their privacy link.
    fn check_messages(&self) -> Result<(), ContractError> {
        let fail = |msg: String| Err(ContractError::Inconsistent(msg));
        if let Some(missing) = self
            .languages
            .iter()
            .find(|l| !self.messages.languages.contains_key(*l))
        {
            return fail(format!("language `{missing}` has no email messages"));
        }
        if self.messages.acknowledge && self.messages.privacy_url.is_none() {
            return fail("acknowledgements are on but there is no privacy_url".into());
        }
        Ok(())
    }

    /// The email words of `language`, or of the default language (`None` only for a contract
    /// that failed [`TicketContract::check`]).
    pub fn messages_for(&self, language: &str) -> Option<&LanguageMessages> {
        let languages = &self.messages.languages;
        languages
            .get(language)
            .or_else(|| languages.get(&self.default_language))
    }

    pub fn field(&self, name: &str) -> Option<&FieldSpec> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn audience(&self, id: &str) -> Option<&Audience> {
        self.audiences.iter().find(|a| a.id == id)
    }

    /// The category of an audience, if both exist and belong together.
    pub fn category(&self, audience: &str, category: &str) -> Option<&Category> {
        self.audience(audience)?
            .categories
            .iter()
            .find(|c| c.id == category)
    }
}

impl Category {
    pub fn subcategory(&self, id: &str) -> Option<&Subcategory> {
        self.subcategories.iter().find(|s| s.id == id)
    }
}

/// The label in `language`, else in the default language, else the id itself.
pub fn label<'a>(
    labels: &'a Labels,
    language: &str,
    default_language: &str,
    id: &'a str,
) -> &'a str {
    labels
        .get(language)
        .or_else(|| labels.get(default_language))
        .map(String::as_str)
        .unwrap_or(id)
}

fn first_duplicate<'a>(ids: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let mut seen = std::collections::HashSet::new();
    ids.into_iter().find(|id| !seen.insert(*id))
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn sample() -> TicketContract {
        let labels = |en: &str| Labels::from([("en".to_string(), en.to_string())]);
        TicketContract {
            version: CONTRACT_VERSION,
            site_url: "https://help.example.com".into(),
            endpoint: "/api/tickets".into(),
            fallback_email: "help@example.com".into(),
            response_hours: 24,
            default_language: "en".into(),
            languages: vec!["en".into(), "it".into()],
            limits: Limits {
                max_body_bytes: 65536,
                min_fill_ms: 3000,
                subject_words: [5, 7],
            },
            attachments: Attachments::default(),
            fields: vec![FieldSpec {
                name: field::SUBJECT.into(),
                kind: FieldKind::Line,
                required: true,
                min_chars: 3,
                max_chars: 120,
            }],
            audiences: vec![Audience {
                id: "users".into(),
                labels: labels("Users"),
                categories: vec![Category {
                    id: "billing".into(),
                    queue: "billing".into(),
                    labels: labels("Billing"),
                    subcategories: vec![Subcategory {
                        id: "refunds".into(),
                        labels: labels("Refunds"),
                    }],
                }],
            }],
            messages: Messages {
                acknowledge: true,
                privacy_url: Some("https://example.com/privacy".into()),
                languages: ["en", "it"]
                    .map(|code| (code.to_string(), sample_messages(code)))
                    .into(),
            },
            feedback: Feedback::with_reasons(),
        }
    }

    fn sample_messages(code: &str) -> LanguageMessages {
        LanguageMessages {
            language_name: code.to_uppercase(),
            site_title: "Help".into(),
            hours: vec!["Monday–Friday 09:00–18:00".into()],
            timezone: "Europe/Rome".into(),
            strings: EmailStrings::default(),
        }
    }

    #[test]
    fn json_round_trip() {
        let c = sample();
        assert_eq!(TicketContract::from_json(&c.to_json()).unwrap(), c);
    }

    #[test]
    fn every_language_needs_messages_and_acknowledgements_a_privacy_link() {
        let mut c = sample();
        c.messages.languages.remove("it");
        assert!(matches!(c.check(), Err(ContractError::Inconsistent(m)) if m.contains("`it`")));
        let mut c = sample();
        c.messages.privacy_url = None;
        assert!(c.check().is_err());
        c.messages.acknowledge = false;
        assert!(c.check().is_ok());
        assert_eq!(
            c.messages_for("fr").map(|m| m.language_name.as_str()),
            Some("EN")
        );
    }

    #[test]
    fn rejects_other_versions_and_duplicates() {
        let mut c = sample();
        c.version = 99;
        assert!(matches!(
            TicketContract::from_json(&c.to_json()),
            Err(ContractError::Version { found: 99 })
        ));
        let mut c = sample();
        let again = c.audiences[0].clone();
        c.audiences.push(again);
        assert!(c
            .check()
            .unwrap_err()
            .to_string()
            .contains("audience `users` appears twice"));
    }

    #[test]
    fn the_fixture_uses_only_known_fields() {
        assert!(crate::testing::contract()
            .fields
            .iter()
            .all(|f| field::is_known(&f.name)));
        assert!(!field::is_known("phone"));
    }

    #[test]
    fn siblings_of_the_endpoint() {
        let mut c = sample();
        assert_eq!(c.sibling_endpoint("uploads"), "/api/uploads");
        c.endpoint = "https://api.example.com/tickets/".into();
        assert_eq!(
            c.sibling_endpoint("uploads"),
            "https://api.example.com/uploads"
        );
    }

    #[test]
    fn lookups_require_membership() {
        let c = sample();
        assert!(c.category("users", "billing").is_some());
        assert!(c.category("studios", "billing").is_none());
        assert!(c
            .category("users", "billing")
            .unwrap()
            .subcategory("refunds")
            .is_some());
        assert_eq!(label(&c.audiences[0].labels, "it", "en", "users"), "Users");
    }
}
