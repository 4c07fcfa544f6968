//! The HTTP contract of DESIGN.md, end to end through `handle` with the in-memory store (these
//! answers are decided before storage, so no server is needed): every validation code, the
//! urlencoded redirects, CORS, the rate limit, and a table of hostile payloads.

use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use serde_json::{json, Value};
use ticket_function::testing::{memory_deps, valid_json, MemoryDeps, SITE};
use ticket_function::{handle, ClientAddr};

type TestDeps = MemoryDeps;

fn deps(rate_limit_per_minute: u32) -> TestDeps {
    memory_deps(rate_limit_per_minute)
}

fn request(content_type: &str, origin: Option<&str>, body: impl Into<Bytes>) -> Request<Bytes> {
    let mut builder = Request::post("/tickets")
        .header("content-type", content_type)
        .extension(ClientAddr([192, 0, 2, 1].into()));
    if let Some(origin) = origin {
        builder = builder.header("origin", origin);
    }
    builder.body(body.into()).expect("request")
}

async fn send_json(deps: &TestDeps, body: &Value) -> Response<Bytes> {
    handle(
        request("application/json", Some(SITE), body.to_string()),
        deps,
    )
    .await
}

fn answer(response: &Response<Bytes>) -> Value {
    serde_json::from_slice(response.body()).unwrap_or(Value::Null)
}

fn with(changes: &[(&str, Value)]) -> Value {
    let mut body = valid_json();
    for (name, value) in changes {
        match value {
            Value::Null => {
                body.as_object_mut().expect("object").remove(*name);
            }
            v => body[*name] = v.clone(),
        }
    }
    body
}

/// One body per validation code: (body, the field it names, the code).
fn validation_cases() -> Vec<(Value, &'static str, &'static str)> {
    vec![
        (with(&[("email", Value::Null)]), "email", "required"),
        (with(&[("subject", json!("  \t "))]), "subject", "required"),
        (with(&[("subject", json!("Hey"))]), "subject", "too_short"),
        (
            with(&[("subject", json!("s".repeat(121)))]),
            "subject",
            "too_long",
        ),
        (
            with(&[("description", json!("d".repeat(5001)))]),
            "description",
            "too_long",
        ),
        (
            with(&[("email", json!("ada@@example"))]),
            "email",
            "invalid_email",
        ),
        (
            with(&[("subject", json!("Refund\r\nBcc: x@y.z"))]),
            "subject",
            "control_chars",
        ),
        (
            with(&[("username", json!("ada\u{202E}nimda"))]),
            "username",
            "control_chars",
        ),
        (
            with(&[("language", json!("de"))]),
            "language",
            "unknown_choice",
        ),
        (
            with(&[("audience", json!("robots"))]),
            "audience",
            "unknown_choice",
        ),
        (
            with(&[("category", json!("payouts"))]),
            "category",
            "unknown_choice",
        ),
        (
            with(&[("subcategory", json!("contracts"))]),
            "subcategory",
            "unknown_choice",
        ),
        (
            with(&[("priority", json!("urgent"))]),
            "priority",
            "unknown_field",
        ),
        (with(&[("subject", json!(["a"]))]), "subject", "wrong_type"),
        (
            with(&[("submission_id", json!("bad id!"))]),
            "submission_id",
            "invalid_format",
        ),
        (
            with(&[("page", json!("//evil.example/"))]),
            "page",
            "invalid_format",
        ),
        (
            with(&[("elapsed_ms", json!(1200))]),
            "elapsed_ms",
            "too_fast",
        ),
    ]
}

#[tokio::test]
async fn each_validation_code_over_http() {
    let deps = deps(0);
    for (body, field, code) in validation_cases() {
        let response = send_json(&deps, &body).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{field}:{code}");
        assert_eq!(
            answer(&response),
            json!({"error": "invalid", "fields": {field: code}}),
            "{field}:{code}"
        );
    }
    let repeated = r#"{"subject":"one","subject":"two"}"#;
    let response = handle(request("application/json", None, repeated), &deps).await;
    assert_eq!(answer(&response)["fields"]["subject"], "repeated");
    assert!(deps.store.is_empty());
}

fn form(body: &Value) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in body.as_object().expect("object") {
        match v {
            Value::String(text) => s.append_pair(k, text),
            other => s.append_pair(k, &other.to_string()),
        };
    }
    s.finish()
}

fn location(response: &Response<Bytes>) -> &str {
    response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn urlencoded_posts_are_redirected() {
    let deps = deps(0);
    // Without JavaScript there is no submission_id and no timing: still accepted.
    let body = with(&[
        ("submission_id", Value::Null),
        ("elapsed_ms", Value::Null),
        ("language", json!("ru")),
    ]);
    let response = handle(
        request("application/x-www-form-urlencoded", Some(SITE), form(&body)),
        &deps,
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        location(&response).starts_with("https://help.example.com/ru/contact/thanks/?ticket=HC-"),
        "{}",
        location(&response)
    );
    assert_eq!(deps.store.len(), 1);

    let bad = with(&[("email", json!("nope")), ("subject", json!(""))]);
    let response = handle(
        request("application/x-www-form-urlencoded", Some(SITE), form(&bad)),
        &deps,
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response),
        "https://help.example.com/en/contact/?audience=users&category=billing&errors=email%3Ainvalid_email%2Csubject%3Arequired"
    );
    // Emailed tickets say so on the thank-you page.
    deps.store.set_failing(true);
    let body = with(&[("submission_id", json!("form-fallback-1"))]);
    let response = handle(
        request("application/x-www-form-urlencoded", None, form(&body)),
        &deps,
    )
    .await;
    assert!(
        location(&response).ends_with("&status=emailed"),
        "{}",
        location(&response)
    );
}

#[tokio::test]
async fn cors_allows_the_site_and_refuses_others() {
    let deps = deps(0);
    let allowed = handle(
        request("application/json", Some(SITE), valid_json().to_string()),
        &deps,
    )
    .await;
    assert_eq!(allowed.headers()["access-control-allow-origin"], SITE);
    let other = handle(
        request(
            "application/json",
            Some("https://evil.example"),
            valid_json().to_string(),
        ),
        &deps,
    )
    .await;
    assert!(!other.headers().contains_key("access-control-allow-origin"));

    let preflight = |origin: &'static str| {
        Request::options("/tickets")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .body(Bytes::new())
            .expect("request")
    };
    let ok = handle(preflight(SITE), &deps).await;
    assert_eq!(ok.status(), StatusCode::NO_CONTENT);
    assert_eq!(ok.headers()["access-control-allow-origin"], SITE);
    assert_eq!(ok.headers()["access-control-allow-methods"], "POST");
    let refused = handle(preflight("https://evil.example"), &deps).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(refused
        .headers()
        .keys()
        .all(|k| !k.as_str().starts_with("access-control-")));
}

#[tokio::test]
async fn the_rate_limit_answers_429_with_retry_after() {
    let deps = deps(2);
    for n in 0..2 {
        let body = with(&[("submission_id", json!(format!("rate-limit-{n:03}")))]);
        assert_eq!(send_json(&deps, &body).await.status(), StatusCode::CREATED);
    }
    let limited = send_json(&deps, &valid_json()).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.headers()["retry-after"], "30");
    assert_eq!(
        answer(&limited),
        json!({"error": "rate_limited", "retry_after": 30})
    );
    // Another client is not affected.
    let other = Request::post("/tickets")
        .header("content-type", "application/json")
        .extension(ClientAddr([192, 0, 2, 99].into()))
        .body(Bytes::from(valid_json().to_string()))
        .expect("request");
    assert_eq!(handle(other, &deps).await.status(), StatusCode::CREATED);
    deps.clock.advance(Duration::from_secs(30));
    assert_eq!(
        send_json(&deps, &valid_json()).await.status(),
        StatusCode::CREATED
    );
}

/// Hostile JSON bodies that take some building: (name, body).
fn crafted_json() -> Vec<(&'static str, String)> {
    let deep_array = format!("{}{}", "[".repeat(50_000), "]".repeat(50_000));
    let deep_field = format!(
        "{{\"subject\":{}1{}}}",
        "{\"a\":".repeat(20_000),
        "}".repeat(20_000)
    );
    let huge_field = with(&[("description", json!("x".repeat(60_000)))]).to_string();
    let many_fields = format!(
        "{{{}}}",
        (0..3000)
            .map(|i| format!("\"f{i}\":\"v\""))
            .collect::<Vec<_>>()
            .join(",")
    );
    let script = "<script>alert(1)</script>";
    let html_everywhere = json!({
        "submission_id": script, "language": script, "audience": script, "category": script,
        "subcategory": script, "username": script, "email": format!("{script}@example.com"),
        "subject": script, "description": script, "page": script, "elapsed_ms": script
    })
    .to_string();
    let crlf_subject =
        with(&[("subject", json!("Help\r\nBcc: all@example.com\r\n\r\nbody"))]).to_string();
    let wrong_types = json!({"submission_id": 1, "language": true, "audience": [], "category": {}, "email": 1.5e300,
        "subject": null, "description": -1, "elapsed_ms": "-5"})
    .to_string();
    vec![
        ("deeply nested array", deep_array),
        ("deeply nested field", deep_field),
        ("huge field", huge_field),
        ("thousands of fields", many_fields),
        ("HTML in every field", html_everywhere),
        ("CRLF in subject", crlf_subject),
        ("wrong types", wrong_types),
    ]
}

/// Every hostile payload: (name, content type, body).
fn hostile_payloads() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let mut cases: Vec<(&str, &str, Vec<u8>)> = vec![
        (
            "invalid UTF-8 JSON",
            "application/json",
            b"{\"subject\":\"\xff\xfe\"}".to_vec(),
        ),
        (
            "invalid UTF-8 form",
            "application/x-www-form-urlencoded",
            b"subject=%ff%fe".to_vec(),
        ),
        (
            "raw invalid UTF-8 form",
            "application/x-www-form-urlencoded",
            b"subject=\xc3\x28".to_vec(),
        ),
        (
            "over the size limit",
            "application/json",
            vec![b' '; 70_000],
        ),
        (
            "not an object",
            "application/json",
            b"[\"subject\"]".to_vec(),
        ),
        ("empty body", "application/json", Vec::new()),
        (
            "NUL bytes",
            "application/json",
            b"{\"subject\":\"a\\u0000b\"}".to_vec(),
        ),
        (
            "lone surrogate",
            "application/json",
            b"{\"subject\":\"\\ud800\"}".to_vec(),
        ),
        (
            "multipart",
            "multipart/form-data; boundary=x",
            b"--x--".to_vec(),
        ),
        (
            "latin1 charset",
            "application/json; charset=iso-8859-1",
            b"{}".to_vec(),
        ),
        ("garbage content type", "\u{1}", b"{}".to_vec()),
    ];
    let crafted = crafted_json().into_iter();
    cases.extend(crafted.map(|(name, body)| (name, "application/json", body.into_bytes())));
    cases
}

#[tokio::test]
async fn hostile_payloads_get_a_4xx_and_no_panic() {
    let deps = deps(0);
    for (name, content_type, body) in hostile_payloads() {
        let req = Request::post("/tickets")
            .header(
                "content-type",
                http::HeaderValue::from_bytes(content_type.as_bytes())
                    .unwrap_or(http::HeaderValue::from_static("x/y")),
            )
            .body(Bytes::from(body))
            .expect("request");
        let response = handle(req, &deps).await;
        let status = response.status();
        assert!(
            status.is_client_error() || status == StatusCode::SEE_OTHER,
            "{name}: {status}"
        );
        if status == StatusCode::BAD_REQUEST {
            let answer = answer(&response);
            assert!(
                answer["error"] == "invalid" || answer["error"] == "malformed",
                "{name}: {answer}"
            );
            if let Some(fields) = answer["fields"].as_object() {
                assert!(fields.len() <= 25, "{name}: the answer stays small");
            }
        }
    }
    assert!(deps.store.is_empty(), "no hostile payload became a ticket");
}
