//! The ticket form of one language, from the ticket contract: the choices with their labels in
//! that language, the field limits and the control names the function expects.

use std::collections::BTreeMap;

use serde::Serialize;
use ticket_function::contract::{self, field, FieldSpec, Labels, TicketContract};

#[derive(Serialize)]
pub(super) struct Form<'a> {
    endpoint: &'a str,
    language: &'a str,
    /// The contact page's own URL, sent with the ticket.
    page: String,
    audiences: Vec<AudienceChoice<'a>>,
    /// Field name → its limits.
    fields: BTreeMap<&'a str, &'a FieldSpec>,
    names: Names,
    subject_words: [u32; 2],
    min_fill_ms: u64,
    fallback_email: &'a str,
}

/// The form's cascade of choices: audience › category › subcategory.
#[derive(Serialize)]
struct AudienceChoice<'a> {
    id: &'a str,
    label: &'a str,
    categories: Vec<CategoryChoice<'a>>,
}

#[derive(Serialize)]
struct CategoryChoice<'a> {
    id: &'a str,
    label: &'a str,
    subcategories: Vec<SubcategoryChoice<'a>>,
}

#[derive(Serialize)]
struct SubcategoryChoice<'a> {
    id: &'a str,
    label: &'a str,
}

/// The HTML controls' names: the contract's field names.
#[derive(Serialize)]
struct Names {
    submission_id: &'static str,
    language: &'static str,
    audience: &'static str,
    category: &'static str,
    subcategory: &'static str,
    username: &'static str,
    email: &'static str,
    subject: &'static str,
    description: &'static str,
    page: &'static str,
    honeypot: &'static str,
    elapsed_ms: &'static str,
}

const NAMES: Names = Names {
    submission_id: field::SUBMISSION_ID,
    language: field::LANGUAGE,
    audience: field::AUDIENCE,
    category: field::CATEGORY,
    subcategory: field::SUBCATEGORY,
    username: field::USERNAME,
    email: field::EMAIL,
    subject: field::SUBJECT,
    description: field::DESCRIPTION,
    page: field::PAGE,
    honeypot: field::HONEYPOT,
    elapsed_ms: field::ELAPSED_MS,
};

pub(super) fn form<'a>(contract: &'a TicketContract, lang: &'a str, page: String) -> Form<'a> {
    let d = &contract.default_language;
    let label = |labels: &'a Labels, id: &'a str| contract::label(labels, lang, d, id);
    let subcategory = |s: &'a contract::Subcategory| SubcategoryChoice {
        id: &s.id,
        label: label(&s.labels, &s.id),
    };
    let category = |c: &'a contract::Category| CategoryChoice {
        id: &c.id,
        label: label(&c.labels, &c.id),
        subcategories: c.subcategories.iter().map(subcategory).collect(),
    };
    let audiences = contract
        .audiences
        .iter()
        .map(|a| AudienceChoice {
            id: &a.id,
            label: label(&a.labels, &a.id),
            categories: a.categories.iter().map(category).collect(),
        })
        .collect();
    Form {
        endpoint: &contract.endpoint,
        language: lang,
        page,
        audiences,
        fields: contract
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f))
            .collect(),
        names: NAMES,
        subject_words: contract.limits.subject_words,
        min_fill_ms: contract.limits.min_fill_ms,
        fallback_email: &contract.fallback_email,
    }
}
