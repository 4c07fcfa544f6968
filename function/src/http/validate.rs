//! Step 2: raw field values → a valid, normalised submission, judged against the ticket contract.
//! Every problem is collected (one stable code per field) so the page can show them all at once.

use unicode_normalization::UnicodeNormalization;

use super::code::{Code, FieldErrors};
use super::parse::RawFields;
use crate::contract::field::{self, CHOICE_FIELDS, FUNCTION_FIELDS};
use crate::contract::{FieldKind, FieldSpec, TicketContract};
use crate::mail::is_valid_email;
use crate::ticket::Submission;

/// At most this many unknown fields are reported, so a hostile body cannot inflate the answer.
const MAX_UNKNOWN_REPORTED: usize = 10;

const PAGE_SPEC: FieldSpec = FieldSpec {
    name: String::new(),
    kind: FieldKind::Line,
    required: false,
    min_chars: 0,
    max_chars: 2048,
};

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
pub(super) fn has_forbidden_chars(value: &str, kind: FieldKind) -> bool {
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
pub(super) fn pick(
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
/// 8 to 64 letters, digits, `_` or `-`: safe in a key of the uploads bucket and in a log.
pub fn is_submission_id(value: &str) -> bool {
    (8..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn check_submission_id(raw: &RawFields, errors: &mut FieldErrors) -> Option<String> {
    let value = raw.get(field::SUBMISSION_ID)?.trim();
    if value.is_empty() {
        return None;
    }
    if is_submission_id(value) {
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
    use crate::http::parse::{parse_body, Format};
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
}
