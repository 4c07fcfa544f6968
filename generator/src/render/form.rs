//! The ticket form of one language, from the ticket contract: the choices with their labels in
//! that language, the field limits, the attachments' limits and the control names the function
//! expects.

use std::collections::BTreeMap;

use serde::Serialize;
use ticket_function::contract::{self, field, Attachments, FieldSpec, Labels, TicketContract};

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
    /// Where a subject whose suggestions found nothing is reported (feedback.js).
    feedback_endpoint: String,
    /// The file field; absent when tickets take no attachments.
    attachments: Option<AttachmentsField>,
}

/// The file field's limits and types, for its hints, its `accept` list and the script's checks.
#[derive(Serialize)]
struct AttachmentsField {
    /// Where the script asks for upload slots: the ticket endpoint's `uploads` sibling.
    uploads_endpoint: String,
    max_files: u32,
    max_file_mib: u32,
    /// The whole post without JavaScript.
    max_post_mib: u32,
    /// The file control's `accept`: media types and `.ext`s.
    accept: String,
    /// The types as people know them, for the hints: "PNG, JPEG, GIF".
    type_labels: String,
    types: Vec<TypeChoice>,
}

/// A type the script accepts: by the browser's claim, or by the extension when the browser
/// claims nothing (then the slot asks for this media type; the function judges the bytes).
#[derive(Serialize)]
struct TypeChoice {
    mime: &'static str,
    extensions: &'static [&'static str],
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
    attachments: &'static str,
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
    attachments: field::ATTACHMENTS,
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
        feedback_endpoint: contract.sibling_endpoint("feedback"),
        attachments: attachments_field(&contract.attachments, contract.sibling_endpoint("uploads")),
    }
}

fn attachments_field(a: &Attachments, uploads_endpoint: String) -> Option<AttachmentsField> {
    if !a.enabled() {
        return None;
    }
    let accept = a.types.iter().flat_map(|t| {
        let extensions = t.extensions().iter().map(|e| format!(".{e}"));
        std::iter::once(t.mime().to_owned()).chain(extensions)
    });
    let labels: Vec<&str> = a.types.iter().map(|t| t.label()).collect();
    Some(AttachmentsField {
        uploads_endpoint,
        max_files: a.max_files,
        max_file_mib: a.max_file_mib,
        max_post_mib: a.max_post_mib,
        accept: accept.collect::<Vec<_>>().join(","),
        type_labels: labels.join(", "),
        types: a
            .types
            .iter()
            .map(|t| TypeChoice {
                mime: t.mime(),
                extensions: t.extensions(),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ticket_function::contract::FileType;

    #[test]
    fn the_file_field_lists_the_contracts_types() {
        let mut limits = Attachments {
            types: vec![FileType::Png, FileType::Jpeg, FileType::Text],
            ..Attachments::default()
        };
        let field = attachments_field(&limits, "/api/uploads".into()).expect("attachments are on");
        assert_eq!(
            field.accept,
            "image/png,.png,image/jpeg,.jpg,.jpeg,text/plain,.txt,.log"
        );
        assert_eq!(field.type_labels, "PNG, JPEG, TXT");
        assert_eq!(field.types[2].extensions, ["txt", "log"]);
        limits.max_files = 0;
        assert!(attachments_field(&limits, "/api/uploads".into()).is_none());
    }
}
