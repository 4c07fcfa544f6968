//! `application/json` bodies → raw fields → validation.
#![no_main]

use helpcenter_fuzz::{check_fields, check_round_trip, contract};
use libfuzzer_sys::fuzz_target;
use ticket_function::http::parse::{parse_body, Format};

fuzz_target!(|body: &[u8]| {
    let Ok(raw) = parse_body(Format::Json, body, contract().limits.max_body_bytes) else {
        return;
    };
    check_fields(&raw);
    check_round_trip(&raw, Format::Json);
});
