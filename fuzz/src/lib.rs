//! What the fuzz targets share: the example contract, a runtime for the async entry points, and
//! the invariants every parsed request must keep, whatever its media type.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use ticket_function::contract::{FieldKind, TicketContract};
use ticket_function::http::parse::{parse_body, Format, RawFields};
use ticket_function::http::validate::{normalise, validate};
use ticket_function::mail::is_valid_email;
use ticket_function::Submission;

/// The example contract (`function/tests/fixtures/ticket-contract.json`), read once.
pub fn contract() -> &'static TicketContract {
    static CONTRACT: OnceLock<TicketContract> = OnceLock::new();
    CONTRACT.get_or_init(ticket_function::testing::contract)
}

/// Runs one future to its end on a single-threaded runtime with timers (the handler's timeouts).
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .expect("a current-thread runtime builds")
        })
        .block_on(future)
}

/// The lines of a file as YAML counts them (CRLF, LF or a lone CR ends one): where its
/// diagnostics may point.
pub fn line_count(text: &str) -> usize {
    text.replace("\r\n", "\n")
        .split_terminator(['\n', '\r'])
        .count()
        .max(1)
}

/// A field is a value or a shape problem, never both; validation never panics, and what it
/// accepts is normalised, free of control characters and within the contract's limits.
pub fn check_fields(raw: &RawFields) {
    for name in raw.problems.keys() {
        assert!(
            !raw.values.contains_key(name),
            "{name} is a value and a problem"
        );
    }
    if let Ok(submission) = validate(raw, contract()) {
        check_submission(&submission);
    }
}

/// What validation guarantees of a [`Submission`].
pub fn check_submission(s: &Submission) {
    let contract = contract();
    let category = contract.category(&s.audience, &s.category);
    assert!(
        category.is_some(),
        "unknown choice {}/{}",
        s.audience,
        s.category
    );
    let texts = [
        ("subject", Some(&s.subject)),
        ("description", Some(&s.description)),
        ("username", s.username.as_ref()),
        ("email", s.email.as_ref()),
    ];
    for (name, value) in texts {
        let (Some(value), Some(spec)) = (value, contract.field(name)) else {
            continue;
        };
        assert_eq!(
            &normalise(value, spec.kind),
            value,
            "{name} is not normalised"
        );
        assert!(
            value.chars().count() <= spec.max_chars,
            "{name} is too long"
        );
        let allowed = |c: char| spec.kind == FieldKind::Text && (c == '\n' || c == '\t');
        assert!(
            !value.chars().any(|c| c.is_control() && !allowed(c)),
            "{name} holds a control character"
        );
    }
    if let Some(email) = &s.email {
        assert!(is_valid_email(email), "accepted email {email:?}");
    }
}

/// The fields' values, sent again as `format`, read back the same and without problems.
pub fn check_round_trip(raw: &RawFields, format: Format) {
    let body = match format {
        Format::Json => {
            let object: serde_json::Map<String, serde_json::Value> = raw
                .values
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                .collect();
            serde_json::to_vec(&object).expect("a map of strings serialises")
        }
        Format::Form => form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&raw.values)
            .finish()
            .into_bytes(),
        Format::Multipart => unreachable!("multipart round trips in its own target"),
    };
    let again = parse_body(format, &body, usize::MAX).expect("our own body parses");
    assert_eq!(again.values, raw.values, "values changed on the way back");
    assert_eq!(again.problems, BTreeMap::new(), "problems on the way back");
}
