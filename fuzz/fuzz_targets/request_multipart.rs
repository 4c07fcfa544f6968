//! `multipart/form-data` posts (the form without JavaScript, files inside) → raw fields →
//! validation. The input's first line is the `Content-Type` (so the boundary is fuzzed too), the
//! rest the body.
#![no_main]

use bytes::Bytes;
use helpcenter_fuzz::{check_fields, contract};
use libfuzzer_sys::fuzz_target;
use ticket_function::http::parse::{parse_post, Format, RawFields};

const BOUNDARY: &str = "fuzz-boundary-7MA4YWxkTrZu0gW";

fuzz_target!(|input: &[u8]| {
    let split = input
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(input.len());
    let content_type = &input[..split];
    let body = Bytes::copy_from_slice(input.get(split + 1..).unwrap_or_default());
    let max = contract().attachments.max_post_bytes();
    let Ok(raw) = parse_post(Format::Multipart, Some(content_type), &body, max) else {
        return;
    };
    check_fields(&raw);
    check_round_trip(&raw);
});

/// The fields and files, posted again with a boundary of ours, read back the same (when their
/// names can be written in a part's header at all).
fn check_round_trip(raw: &RawFields) {
    let plain = |s: &str| !s.contains(['"', '\r', '\n', '\\']) && !s.contains(BOUNDARY);
    let names_plain = raw.values.keys().all(|k| plain(k))
        && raw.values.values().all(|v| !v.contains(BOUNDARY))
        && raw
            .files
            .iter()
            .all(|f| plain(&f.name) && !f.name.is_empty());
    let bytes_plain = raw.files.iter().all(|f| {
        !f.bytes
            .windows(BOUNDARY.len())
            .any(|w| w == BOUNDARY.as_bytes())
    });
    if !(names_plain && bytes_plain) {
        return;
    }
    let mut body = Vec::new();
    let mut part = |disposition: String, content: &[u8]| {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n{disposition}\r\n\r\n").as_bytes());
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    };
    for (name, value) in &raw.values {
        part(
            format!("Content-Disposition: form-data; name=\"{name}\""),
            value.as_bytes(),
        );
    }
    for file in &raw.files {
        let header = format!(
            "Content-Disposition: form-data; name=\"attachments\"; filename=\"{}\"\r\nContent-Type: application/octet-stream",
            file.name
        );
        part(header, &file.bytes);
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let again = parse_post(
        Format::Multipart,
        Some(content_type.as_bytes()),
        &Bytes::from(body),
        usize::MAX,
    )
    .expect("our own multipart body parses");
    assert_eq!(again.values, raw.values, "values changed on the way back");
    assert_eq!(again.files, raw.files, "files changed on the way back");
}
