//! The whole handler (`handle`) with its store, mailer, spool and uploads in memory: any request
//! gets a complete answer below 500 (the dependencies are healthy), and a ticket it stores holds
//! exactly what validation made of the post, and reads back from its JSON the same.
#![no_main]

use bytes::Bytes;
use helpcenter_fuzz::{block_on, contract};
use libfuzzer_sys::fuzz_target;
use ticket_function::http::parse::{media_format, parse_post};
use ticket_function::http::validate::validate;
use ticket_function::testing::{memory_deps, MemoryDeps, SITE};
use ticket_function::{handle, Submission, Ticket, TicketStore};

fuzz_target!(|input: &[u8]| {
    let Some(request) = request(input) else {
        return;
    };
    let deps = memory_deps(0);
    let expected = expected_submission(&request);
    let response = block_on(handle(request, &deps));
    let status = response.status();
    assert!(
        !status.is_server_error(),
        "{status} with healthy dependencies"
    );
    if let Some(submission) = expected.filter(|_| saved(&response)) {
        check_stored(&submission, &deps);
    }
});

/// Whether the answer says the ticket was kept: `201`/`202` to the script, a redirect to the
/// thank-you page to a form (a form's refusals redirect back to the form).
fn saved(response: &http::Response<Bytes>) -> bool {
    let location = response.headers().get("location").map(|l| l.as_bytes());
    match response.status().as_u16() {
        201 | 202 => true,
        303 => location.is_some_and(|l| l.windows(16).any(|w| w == b"/contact/thanks/")),
        _ => false,
    }
}

/// The input as a request in HTTP/1's shape: `METHOD /path?query`, header lines `name: value`,
/// an empty line, the body (line ends `\n` or `\r\n`). The client is the site unless an
/// `origin` header says otherwise.
fn request(input: &[u8]) -> Option<http::Request<Bytes>> {
    let mut rest = input;
    let mut line = || {
        let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        let (line, tail) = rest.split_at(end);
        rest = tail.get(1..).unwrap_or_default();
        line.strip_suffix(b"\r").unwrap_or(line)
    };
    let start = std::str::from_utf8(line()).ok()?;
    let (method, uri) = start.split_once(' ').unwrap_or(("POST", start));
    let mut builder = http::Request::builder().method(method).uri(uri);
    loop {
        let header = line();
        if header.is_empty() {
            break;
        }
        let split = header.iter().position(|&b| b == b':')?;
        let value = &header[split + 1..];
        let value = value.strip_prefix(b" ").unwrap_or(value);
        builder = builder.header(&header[..split], value);
    }
    if builder
        .headers_ref()
        .is_some_and(|h| !h.contains_key("origin"))
    {
        builder = builder.header("origin", SITE);
    }
    // A method, path or header that `http` cannot even hold never reaches a handler.
    builder.body(Bytes::copy_from_slice(rest)).ok()
}

/// What validation makes of a ticket post, if it is one that should be stored.
fn expected_submission(request: &http::Request<Bytes>) -> Option<Submission> {
    let path = request.uri().path().trim_end_matches('/');
    let sibling = ["uploads", "files", "feedback"]
        .iter()
        .any(|name| path.rsplit('/').next() == Some(name));
    if request.method() != http::Method::POST || sibling {
        return None;
    }
    let content_type = request.headers().get("content-type").map(|v| v.as_bytes());
    let format = media_format(content_type).ok()?;
    let raw = parse_post(format, content_type, request.body(), usize::MAX).ok()?;
    if raw.honeypot_filled() {
        return None;
    }
    validate(&raw, contract()).ok()
}

/// The one stored ticket is the submission's, and its JSON (the file store's line) reads back.
fn check_stored(submission: &Submission, deps: &MemoryDeps) {
    let queue = &contract()
        .category(&submission.audience, &submission.category)
        .expect("a valid submission's category exists")
        .queue;
    let tickets = block_on(deps.store.list_queue(queue, 10)).expect("the memory store answers");
    let [ticket] = tickets.as_slice() else {
        panic!("{} tickets stored for one post", tickets.len());
    };
    let stored = Submission {
        submission_id: submission
            .submission_id
            .as_ref()
            .map(|_| ticket.submission_id.clone()),
        language: ticket.language.clone(),
        audience: ticket.audience.clone(),
        category: ticket.category.clone(),
        subcategory: ticket.subcategory.clone(),
        username: ticket.username.clone(),
        email: ticket.email.clone(),
        subject: ticket.subject.clone(),
        description: ticket.description.clone(),
        page: ticket.page.clone(),
    };
    assert_eq!(
        &stored, submission,
        "the stored ticket differs from the post"
    );
    let json = serde_json::to_string(ticket).expect("a ticket serialises");
    let back: Ticket = serde_json::from_str(&json).expect("a ticket's JSON reads back");
    assert_eq!(&back, ticket, "the ticket changed through its JSON");
}
