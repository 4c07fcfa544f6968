//! Shared fixtures for this crate's unit tests, integration tests and benches (and handy for the
//! generator's own tests of `helpcenter serve`): the example contract and a valid submission.

use crate::contract::TicketContract;

/// The example contract in `tests/fixtures/ticket-contract.json`.
pub const CONTRACT_JSON: &str = include_str!("../tests/fixtures/ticket-contract.json");

pub fn contract() -> TicketContract {
    match TicketContract::from_json(CONTRACT_JSON) {
        Ok(contract) => contract,
        Err(e) => panic!("the fixture contract is broken: {e}"),
    }
}

/// A submission that passes validation against [`contract`].
pub fn valid_json() -> serde_json::Value {
    serde_json::json!({
        "submission_id": "0f8b1c2e-5a6d-4e7f-9a0b-1c2d3e4f5a6b",
        "language": "en",
        "audience": "users",
        "category": "billing",
        "subcategory": "refunds",
        "username": "ada",
        "email": "ada@example.org",
        "subject": "Refund for order 1234 missing",
        "description": "I asked for a refund on 2 January and nothing arrived yet.\nOrder 1234.",
        "page": "/en/users/billing/refunds/",
        "website": "",
        "elapsed_ms": 42000
    })
}
