//! Step 2: raw field values → a valid, normalised submission, judged against the ticket contract.
//! Every problem is collected (one stable code per field) so the page can show them all at once.

use std::collections::BTreeMap;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::contract::{field, FieldKind, FieldSpec, TicketContract};
use crate::parse::RawFields;

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
}

impl Code {
    pub const ALL: [Code; 11] = [
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
        }
    }
}

/// Field name → the first problem found in it.
pub type FieldErrors = BTreeMap<String, Code>;

/// At most this many unknown fields are reported, so a hostile body cannot inflate the answer.
const MAX_UNKNOWN_REPORTED: usize = 10;

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

/// The text fields the function stores; the contract says which of them the form has and their
/// limits. `page` is filled by the page itself and has a built-in rule when the contract omits it.
pub const TEXT_FIELDS: [&str; 5] = [
    field::USERNAME,
    field::EMAIL,
    field::SUBJECT,
    field::DESCRIPTION,
    field::PAGE,
];

/// The choice fields, always required.
pub const CHOICE_FIELDS: [&str; 4] = [
    field::LANGUAGE,
    field::AUDIENCE,
    field::CATEGORY,
    field::SUBCATEGORY,
];

/// Fields the function itself defines (not listed in the contract's `fields`).
pub const FUNCTION_FIELDS: [&str; 3] = [field::SUBMISSION_ID, field::HONEYPOT, field::ELAPSED_MS];

const PAGE_SPEC: FieldSpec = FieldSpec {
    name: String::new(),
    kind: FieldKind::Line,
    required: false,
    min_chars: 0,
    max_chars: 2048,
};

/// Whether `name` is a field the function understands at all (used to check a contract at start).
pub fn is_known_field(name: &str) -> bool {
    TEXT_FIELDS.contains(&name) || CHOICE_FIELDS.contains(&name) || FUNCTION_FIELDS.contains(&name)
}

/// Checks every field at once; `Err` holds one code per problematic field.
pub fn validate(raw: &RawFields, contract: &TicketContract) -> Result<Submission, FieldErrors> {
    let mut errors: FieldErrors = raw.problems.clone();
    let text = |name: &str, errors: &mut FieldErrors| -> Option<String> {
        let spec = match (contract.field(name), name) {
            (Some(spec), _) => spec,
            (None, field::PAGE) => &PAGE_SPEC,
            (None, _) => return None,
        };
        check_text(raw, name, spec, errors)
    };
    let username = text(field::USERNAME, &mut errors);
    let email = text(field::EMAIL, &mut errors);
    let subject = text(field::SUBJECT, &mut errors);
    let description = text(field::DESCRIPTION, &mut errors);
    let page = text(field::PAGE, &mut errors);
    if page.as_deref().is_some_and(|p| !is_page_reference(p)) {
        errors.insert(field::PAGE.into(), Code::InvalidFormat);
    }
    let choices = check_choices(raw, contract, &mut errors);
    let submission_id = check_submission_id(raw, &mut errors);
    check_timing(raw, contract, &mut errors);
    check_unknown(raw, contract, &mut errors);

    match choices {
        Some((language, audience, category, subcategory)) if errors.is_empty() => Ok(Submission {
            submission_id,
            language,
            audience,
            category,
            subcategory,
            username,
            email,
            subject: subject.unwrap_or_default(),
            description: description.unwrap_or_default(),
            page,
        }),
        _ => Err(errors),
    }
}

/// Trims, normalises (NFC) and checks one text field against its spec.
fn check_text(
    raw: &RawFields,
    name: &str,
    spec: &FieldSpec,
    errors: &mut FieldErrors,
) -> Option<String> {
    if errors.contains_key(name) {
        return None;
    }
    let value = normalise(raw.get(name).unwrap_or_default(), spec.kind);
    let problem = if value.is_empty() {
        spec.required.then_some(Code::Required)
    } else if has_forbidden_chars(&value, spec.kind) {
        Some(Code::ControlChars)
    } else {
        let chars = value.chars().count();
        if chars > spec.max_chars {
            Some(Code::TooLong)
        } else if chars < spec.min_chars {
            Some(Code::TooShort)
        } else if spec.kind == FieldKind::Email && !is_valid_email(&value) {
            Some(Code::InvalidEmail)
        } else {
            None
        }
    };
    match problem {
        Some(code) => {
            errors.insert(name.to_owned(), code);
            None
        }
        None => (!value.is_empty()).then_some(value),
    }
}

/// Trim, NFC, and one line-break convention for multi-line text.
pub fn normalise(value: &str, kind: FieldKind) -> String {
    let nfc: String = value.trim().nfc().collect();
    if kind == FieldKind::Text {
        nfc.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        nfc
    }
}

/// One-line fields may hold no control characters at all (a line break in a subject could
/// become a header); multi-line text may hold line breaks and tabs only.
fn has_forbidden_chars(value: &str, kind: FieldKind) -> bool {
    value.chars().any(|c| match kind {
        FieldKind::Text => c.is_control() && c != '\n' && c != '\t',
        FieldKind::Line | FieldKind::Email => c.is_control() || is_line_breaking_or_spoofing(c),
    })
}

/// Unicode line/paragraph separators and the bidi embedding/override/isolate controls (which can
/// make a subject read differently from what it is). The plain LRM/RLM marks stay allowed.
fn is_line_breaking_or_spoofing(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A deliberately plain address check: one `@`, an ASCII local part of atoms separated by dots,
/// and a domain of at least two DNS labels. Quoted local parts, IP literals and non-ASCII are
/// refused: the address goes into a `Reply-To` header and must need no encoding there.
pub fn is_valid_email(address: &str) -> bool {
    const ATEXT: &str = "!#$%&'*+-/=?^_`{|}~";
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local.split('.').all(|atom| {
            !atom.is_empty()
                && atom
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || ATEXT.contains(c))
        });
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = address.len() <= 254
        && labels.len() >= 2
        && labels.iter().all(|l| {
            (1..=63).contains(&l.len())
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && !tld.chars().all(|c| c.is_ascii_digit()));
    local_ok && domain_ok
}

/// The page the form was sent from: a site path or an http(s) URL.
fn is_page_reference(page: &str) -> bool {
    (page.starts_with('/') && !page.starts_with("//"))
        || page.starts_with("https://")
        || page.starts_with("http://")
}

type Choices = (String, String, String, Option<String>);

/// Language, audience, category and subcategory must exist and belong together.
fn check_choices(
    raw: &RawFields,
    contract: &TicketContract,
    errors: &mut FieldErrors,
) -> Option<Choices> {
    let language = pick(raw, field::LANGUAGE, errors, |l| {
        contract.languages.iter().any(|x| x == l)
    });
    let audience = pick(raw, field::AUDIENCE, errors, |a| {
        contract.audience(a).is_some()
    });
    // With an unknown audience, a category is still judged on whether it exists anywhere.
    let category = pick(raw, field::CATEGORY, errors, |c| match &audience {
        Some(a) => contract.category(a, c).is_some(),
        None => contract
            .audiences
            .iter()
            .any(|a| contract.category(&a.id, c).is_some()),
    });
    let chosen = audience
        .as_deref()
        .zip(category.as_deref())
        .and_then(|(a, c)| contract.category(a, c));
    let subcategory = match chosen {
        // A category without subcategories takes none.
        Some(cat) if cat.subcategories.is_empty() => {
            if raw
                .get(field::SUBCATEGORY)
                .is_some_and(|s| !s.trim().is_empty())
            {
                errors.insert(field::SUBCATEGORY.into(), Code::UnknownChoice);
            }
            None
        }
        Some(cat) => pick(raw, field::SUBCATEGORY, errors, |s| {
            cat.subcategory(s).is_some()
        }),
        None => {
            let exists = |s: &str| {
                contract
                    .audiences
                    .iter()
                    .flat_map(|a| &a.categories)
                    .any(|c| c.subcategory(s).is_some())
            };
            pick(raw, field::SUBCATEGORY, errors, exists);
            None
        }
    };
    let subcategory_ok =
        chosen.is_some_and(|c| c.subcategories.is_empty()) || subcategory.is_some();
    match (language, audience, category) {
        (Some(l), Some(a), Some(c))
            if subcategory_ok && !errors.contains_key(field::SUBCATEGORY) =>
        {
            Some((l, a, c, subcategory))
        }
        _ => None,
    }
}

/// One required choice: blank → `required`, not `known` → `unknown_choice`.
fn pick(
    raw: &RawFields,
    name: &str,
    errors: &mut FieldErrors,
    known: impl Fn(&str) -> bool,
) -> Option<String> {
    if errors.contains_key(name) {
        return None;
    }
    let value = raw.get(name).unwrap_or_default().trim();
    let code = if value.is_empty() {
        Code::Required
    } else if known(value) {
        return Some(value.to_owned());
    } else {
        Code::UnknownChoice
    };
    errors.insert(name.to_owned(), code);
    None
}

/// The page's own id for the draft: 8–64 of `A-Z a-z 0-9 _ -` (a UUID fits).
fn check_submission_id(raw: &RawFields, errors: &mut FieldErrors) -> Option<String> {
    let value = raw.get(field::SUBMISSION_ID)?.trim();
    if value.is_empty() {
        return None;
    }
    let ok = (8..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Some(value.to_owned())
    } else {
        errors.insert(field::SUBMISSION_ID.into(), Code::InvalidFormat);
        None
    }
}

/// A post faster than `min_fill_ms` is answered `too_fast`: no ticket, but the person keeps
/// their text and can simply send again; a bot learns nothing it could not forge anyway.
fn check_timing(raw: &RawFields, contract: &TicketContract, errors: &mut FieldErrors) {
    let Some(value) = raw
        .get(field::ELAPSED_MS)
        .map(str::trim)
        .filter(|v| !v.is_empty())
    else {
        return; // No script, no timing: the honeypot and the rate limit guard that path.
    };
    match value.parse::<u64>() {
        Ok(ms) if ms < contract.limits.min_fill_ms => {
            errors.insert(field::ELAPSED_MS.into(), Code::TooFast);
        }
        Ok(_) => {}
        Err(_) => {
            errors.insert(field::ELAPSED_MS.into(), Code::InvalidFormat);
        }
    }
}

fn check_unknown(raw: &RawFields, contract: &TicketContract, errors: &mut FieldErrors) {
    let known = |name: &str| {
        CHOICE_FIELDS.contains(&name)
            || FUNCTION_FIELDS.contains(&name)
            || name == field::PAGE
            || contract.field(name).is_some()
    };
    let unknown = raw
        .values
        .keys()
        .chain(raw.problems.keys())
        .filter(|name| !known(name));
    for name in unknown
        .take(MAX_UNKNOWN_REPORTED)
        .cloned()
        .collect::<Vec<_>>()
    {
        errors.insert(name, Code::UnknownField);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse_body, Format};
    use crate::testing::{contract, valid_json};

    fn check(json: &serde_json::Value) -> Result<Submission, FieldErrors> {
        let raw = parse_body(Format::Json, json.to_string().as_bytes(), 1 << 20).unwrap();
        validate(&raw, &contract())
    }

    fn errors_with(changes: &[(&str, serde_json::Value)]) -> FieldErrors {
        let mut json = valid_json();
        for (name, value) in changes {
            json[*name] = value.clone();
        }
        check(&json).unwrap_err()
    }

    fn only(name: &str, code: Code) -> FieldErrors {
        FieldErrors::from([(name.to_owned(), code)])
    }

    #[test]
    fn valid_submission_is_normalised() {
        let mut json = valid_json();
        json["subject"] = "  Cafe\u{301} refund missing  ".into();
        json["description"] = "Line one\r\nline two\rline three, long enough.".into();
        let s = check(&json).unwrap();
        assert_eq!(s.subject, "Café refund missing");
        assert_eq!(
            s.description,
            "Line one\nline two\nline three, long enough."
        );
        assert_eq!(s.subcategory.as_deref(), Some("refunds"));
        assert_eq!(
            s.submission_id.as_deref(),
            Some("0f8b1c2e-5a6d-4e7f-9a0b-1c2d3e4f5a6b")
        );
    }

    #[test]
    fn each_code() {
        use serde_json::json;
        assert_eq!(
            errors_with(&[("subject", json!("   "))]),
            only("subject", Code::Required)
        );
        assert_eq!(
            errors_with(&[("subject", json!("Hey"))]),
            only("subject", Code::TooShort)
        );
        assert_eq!(
            errors_with(&[("subject", json!("x".repeat(121)))]),
            only("subject", Code::TooLong)
        );
        assert_eq!(
            errors_with(&[("email", json!("not-an-address"))]),
            only("email", Code::InvalidEmail)
        );
        assert_eq!(
            errors_with(&[("subject", json!("Refund\r\nBcc: x@y.z"))]),
            only("subject", Code::ControlChars)
        );
        assert_eq!(
            errors_with(&[("language", json!("xx"))]),
            only("language", Code::UnknownChoice)
        );
        assert_eq!(
            errors_with(&[("audience", json!("aliens"))]),
            only("audience", Code::UnknownChoice)
        );
        assert_eq!(
            errors_with(&[("nickname", json!("x"))]),
            only("nickname", Code::UnknownField)
        );
        assert_eq!(
            errors_with(&[("email", json!(42))]),
            only("email", Code::WrongType)
        );
        assert_eq!(
            errors_with(&[("submission_id", json!("short"))]),
            only("submission_id", Code::InvalidFormat)
        );
        assert_eq!(
            errors_with(&[("page", json!("javascript:alert(1)"))]),
            only("page", Code::InvalidFormat)
        );
        assert_eq!(
            errors_with(&[("elapsed_ms", json!(500))]),
            only("elapsed_ms", Code::TooFast)
        );
        assert_eq!(
            errors_with(&[("elapsed_ms", json!("soon"))]),
            only("elapsed_ms", Code::InvalidFormat)
        );
        let raw = parse_body(Format::Form, b"subject=a&subject=b", 100).unwrap();
        assert_eq!(
            validate(&raw, &contract()).unwrap_err().get("subject"),
            Some(&Code::Repeated)
        );
    }

    #[test]
    fn lengths_count_characters_after_nfc() {
        use serde_json::json;
        // 120 "é" written as e + combining accent: 240 code points before NFC, 120 after.
        let decomposed = "e\u{301}".repeat(120);
        assert!(check(&{
            let mut j = valid_json();
            j["subject"] = json!(decomposed);
            j
        })
        .is_ok());
        // 120 four-byte characters are 480 bytes but 120 characters.
        assert!(check(&{
            let mut j = valid_json();
            j["subject"] = json!("😀".repeat(120));
            j
        })
        .is_ok());
    }

    #[test]
    fn choices_must_belong_together() {
        use serde_json::json;
        // "payouts" exists, but under creators, not users.
        assert_eq!(
            errors_with(&[("category", json!("payouts"))]),
            only("category", Code::UnknownChoice)
        );
        // "contracts" exists, but under studios/billing.
        assert_eq!(
            errors_with(&[("subcategory", json!("contracts"))]),
            only("subcategory", Code::UnknownChoice)
        );
        assert_eq!(
            errors_with(&[("subcategory", json!(""))]),
            only("subcategory", Code::Required)
        );
        // A category without subcategories takes none, and needs none.
        let ok = check(&{
            let mut j = valid_json();
            j["audience"] = json!("creators");
            j["category"] = json!("feedback");
            j.as_object_mut().unwrap().remove("subcategory");
            j
        })
        .unwrap();
        assert_eq!(ok.subcategory, None);
        let errs = errors_with(&[
            ("audience", json!("creators")),
            ("category", json!("feedback")),
        ]);
        assert_eq!(errs, only("subcategory", Code::UnknownChoice));
    }

    #[test]
    fn all_problems_at_once() {
        let raw = parse_body(
            Format::Json,
            br#"{"email":"x","subject":"a\u0000b","extra":1}"#,
            1000,
        )
        .unwrap();
        let errs = validate(&raw, &contract()).unwrap_err();
        let codes: Vec<(&str, &str)> = errs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            codes,
            [
                ("audience", "required"),
                ("category", "required"),
                ("description", "required"),
                ("email", "invalid_email"),
                ("extra", "unknown_field"),
                ("language", "required"),
                ("subcategory", "required"),
                ("subject", "control_chars"),
            ]
        );
    }

    #[test]
    fn emails() {
        for ok in [
            "a@b.co",
            "first.last+tag@sub.example.com",
            "o'hara@example.ie",
            "x_y@a-b.io",
        ] {
            assert!(is_valid_email(ok), "{ok}");
        }
        for bad in [
            "",
            "a",
            "a@",
            "@b.co",
            "a@b",
            "a@@b.co",
            "a b@c.co",
            "a..b@c.co",
            ".a@b.co",
            "a@-b.co",
            "a@b.c",
            "a@b.123",
            "\"a\"@b.co",
            "a@[1.2.3.4]",
            "é@b.co",
            "a@b.co\r\nBcc: x@y.z",
            "a@b.co,c@d.co",
            "<a@b.co>",
        ] {
            assert!(!is_valid_email(bad), "{bad:?}");
        }
    }

    #[test]
    fn the_fixture_uses_only_known_fields() {
        assert!(contract().fields.iter().all(|f| is_known_field(&f.name)));
        assert!(!is_known_field("phone"));
    }
}
