//! Property tests of the request path: any body and any field values sent to `handle` get an
//! answer (never a panic) that refuses them, and whatever validation accepts obeys the contract.

use bytes::Bytes;
use http::header::{CONTENT_TYPE, LOCATION};
use http::{Request, Response, StatusCode};
use proptest::prelude::*;
use serde_json::{json, Value};
use ticket_function::contract::FieldKind;
use ticket_function::http::parse::{parse_body, Format, ParseError};
use ticket_function::http::validate::validate;
use ticket_function::testing::{contract, valid_json};
use ticket_function::{
    handle, ClientAddr, Code, Config, Deps, ManualClock, MemoryMailer, MemorySpool, MemoryStore,
    MemoryUploads,
};

type TestDeps = Deps<MemoryStore, MemoryMailer, MemorySpool, MemoryUploads, ManualClock>;

/// Text that mixes the characters validation cares about with anything else.
fn tricky_text() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        any::<char>().prop_map(String::from),
        Just("\r\n".to_owned()),
        Just("\u{0}".to_owned()),
        Just("e\u{301}".to_owned()),
        Just("\u{202E}".to_owned()),
        Just(" ".to_owned()),
        Just("@".to_owned()),
        Just("<script>".to_owned()),
        "[a-z]{1,12}",
    ];
    prop::collection::vec(pieces, 0..40).prop_map(|p| p.concat())
}

fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("subject".to_owned()),
        Just("description".to_owned()),
        Just("email".to_owned()),
        Just("username".to_owned()),
        Just("language".to_owned()),
        Just("audience".to_owned()),
        Just("category".to_owned()),
        Just("subcategory".to_owned()),
        Just("page".to_owned()),
        Just("elapsed_ms".to_owned()),
        Just("submission_id".to_owned()),
        Just("website".to_owned()),
        "[a-z_]{1,10}",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        tricky_text().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        Just(Value::Null),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[a-z]{1,3}", inner, 0..4).prop_map(|m| json!(m)),
        ]
    })
}

/// Checks what validation promises about an accepted submission.
fn accepted_is_within_the_contract(body: &[u8], format: Format) -> Result<(), TestCaseError> {
    let contract = contract();
    let raw = match parse_body(format, body, contract.limits.max_body_bytes) {
        Ok(raw) => raw,
        Err(ParseError::Malformed(_) | ParseError::TooLarge { .. }) => return Ok(()),
        Err(e) => return Err(TestCaseError::fail(format!("unexpected {e}"))),
    };
    let Ok(s) = validate(&raw, &contract) else {
        return Ok(());
    };
    for (name, value) in [
        ("subject", Some(&s.subject)),
        ("description", Some(&s.description)),
        ("username", s.username.as_ref()),
        ("email", s.email.as_ref()),
    ] {
        let (Some(spec), Some(value)) = (contract.field(name), value) else {
            continue;
        };
        let chars = value.chars().count();
        prop_assert!(
            chars <= spec.max_chars && chars >= spec.min_chars,
            "{name} has {chars} chars"
        );
        prop_assert_eq!(value.trim(), value.as_str());
        if spec.kind != FieldKind::Text {
            prop_assert!(
                !value.chars().any(char::is_control),
                "{} has control chars",
                name
            );
        }
    }
    prop_assert!(contract.category(&s.audience, &s.category).is_some());
    prop_assert!(contract.languages.contains(&s.language));
    Ok(())
}

/// `body` posted to the handler as `format`, with the rate limit off.
fn post(body: &[u8], format: Format) -> (Response<Bytes>, TestDeps) {
    let mut config = Config::local(contract(), vec!["https://help.example.com".into()]);
    config.rate_limit_per_minute = 0;
    let deps = Deps::new(
        MemoryStore::new(),
        MemoryMailer::new(),
        MemorySpool::new(),
        MemoryUploads::new(),
        ManualClock::at_fixed_instant(),
        config,
    );
    let content_type = match format {
        Format::Json => "application/json",
        Format::Form => "application/x-www-form-urlencoded",
        Format::Multipart => "multipart/form-data; boundary=proptest",
    };
    let request = Request::post("/tickets")
        .header(CONTENT_TYPE, content_type)
        .header("origin", "https://help.example.com")
        .extension(ClientAddr([192, 0, 2, 1].into()))
        .body(Bytes::copy_from_slice(body))
        .expect("request");
    let response = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime")
        .block_on(handle(request, &deps));
    (response, deps)
}

/// What the handler promises for any body: nothing stored and a refusal (a 4xx for JSON, a `303`
/// back to the form with its errors for a plain form), unless a bot's honeypot earned it a fake
/// success or the body happened to be a valid ticket, which then obeys the contract.
fn refused_unless_valid(body: &[u8], format: Format) -> Result<(), TestCaseError> {
    let (response, deps) = post(body, format);
    let status = response.status();
    if !deps.store.is_empty() {
        prop_assert!(
            matches!(status, StatusCode::CREATED | StatusCode::SEE_OTHER),
            "{}",
            status
        );
        return accepted_is_within_the_contract(body, format);
    }
    let honeypot = parse_body(format, body, usize::MAX).is_ok_and(|raw| raw.honeypot_filled());
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default();
    match format {
        _ if honeypot && matches!(status, StatusCode::CREATED | StatusCode::SEE_OTHER) => {}
        Format::Json => prop_assert!(status.is_client_error(), "{}", status),
        Format::Form | Format::Multipart => {
            prop_assert_eq!(status, StatusCode::SEE_OTHER);
            prop_assert!(
                location.contains("/contact/?") && location.contains("errors="),
                "{}",
                location
            );
        }
    }
    accepted_is_within_the_contract(body, format)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_are_answered(body in prop::collection::vec(any::<u8>(), 0..512), json in any::<bool>()) {
        let format = if json { Format::Json } else { Format::Form };
        refused_unless_valid(&body, format)?;
    }

    #[test]
    fn any_json_object_is_answered(fields in prop::collection::btree_map(field_name(), json_value(), 0..12)) {
        let body = serde_json::to_vec(&fields).unwrap_or_default();
        refused_unless_valid(&body, Format::Json)?;
    }

    /// A valid submission with one text field replaced: accepted, or refused with a code that
    /// names a real reason for that field.
    #[test]
    fn one_changed_field_gets_a_fitting_code(name in prop_oneof![Just("subject"), Just("description"), Just("username"), Just("email")], text in tricky_text()) {
        let mut body = valid_json();
        body[name] = Value::from(text.clone());
        let contract = contract();
        let raw = parse_body(Format::Json, body.to_string().as_bytes(), usize::MAX).map_err(|e| TestCaseError::fail(e.to_string()))?;
        match validate(&raw, &contract) {
            Ok(_) => accepted_is_within_the_contract(body.to_string().as_bytes(), Format::Json)?,
            Err(errors) => {
                prop_assert_eq!(errors.len(), 1, "only the changed field: {:?}", errors);
                let code = errors.get(name).copied();
                let fitting = [Code::Required, Code::TooShort, Code::TooLong, Code::InvalidEmail, Code::ControlChars];
                prop_assert!(code.is_some_and(|c| fitting.contains(&c)), "{:?} for {:?}", code, text);
            }
        }
    }

    /// The no-JavaScript path reads back exactly what a browser encodes.
    #[test]
    fn urlencoded_round_trip(pairs in prop::collection::btree_map("[a-z_]{1,8}", tricky_text(), 0..8)) {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &pairs {
            s.append_pair(k, v);
        }
        let raw = parse_body(Format::Form, s.finish().as_bytes(), usize::MAX).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(raw.values, pairs);
    }
}
