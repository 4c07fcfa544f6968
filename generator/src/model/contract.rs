//! The ticket contract the model makes: fields and limits from the settings, choices from the
//! categories, and the words of the worker's emails from the theme's UI strings.

use serde_json::{Map, Value};
use ticket_function::contract::{self, EmailStrings, Feedback, LanguageMessages, TicketContract};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::i18n::{self, Strings};
use crate::ids::{AudienceId, CategoryId, LangId, PerLanguage, TiSlice};
use crate::load::{Doc, IndexMeta};

use super::{Audience, Category, Language, Site};

/// What the contract is made of.
#[derive(Clone, Copy)]
pub(super) struct Parts<'a> {
    pub(super) config: &'a Config,
    pub(super) langs: &'a TiSlice<LangId, Language>,
    pub(super) homes: &'a TiSlice<LangId, Doc<IndexMeta>>,
    pub(super) audiences: &'a TiSlice<AudienceId, Audience>,
    pub(super) categories: &'a TiSlice<CategoryId, Category>,
    pub(super) strings: &'a PerLanguage<Strings>,
    pub(super) default_lang: LangId,
}

/// The ticket contract: fields and limits from the settings, choices from the categories.
pub(super) fn build_contract(parts: &Parts<'_>, diagnostics: &Diagnostics) -> TicketContract {
    let Parts {
        config,
        langs,
        audiences,
        categories,
        default_lang: d,
        ..
    } = *parts;
    use contract::{field, FieldKind, FieldSpec, Limits};
    let t = &config.ticket;
    let spec = |name: &str, kind, required, min_chars, max_chars| FieldSpec {
        name: name.into(),
        kind,
        required,
        min_chars,
        max_chars,
    };
    TicketContract {
        version: contract::CONTRACT_VERSION,
        site_url: config.base_url.clone(),
        endpoint: t.endpoint.clone(),
        fallback_email: t.fallback_email.clone(),
        response_hours: t.response_hours,
        default_language: config.default_language.clone(),
        languages: langs.iter().map(|l| l.code.clone()).collect(),
        limits: Limits {
            max_body_bytes: t.max_body_kib * 1024,
            min_fill_ms: t.min_fill_seconds * 1000,
            subject_words: [5, 7],
        },
        attachments: t.attachments.limits(),
        fields: vec![
            spec(
                field::USERNAME,
                FieldKind::Line,
                false,
                0,
                t.username_max_chars,
            ),
            spec(field::EMAIL, FieldKind::Email, true, 3, 254),
            spec(
                field::SUBJECT,
                FieldKind::Line,
                true,
                3,
                t.subject_max_chars,
            ),
            spec(
                field::DESCRIPTION,
                FieldKind::Text,
                true,
                10,
                t.description_max_chars,
            ),
        ],
        audiences: contract_audiences(langs, audiences, categories, d),
        messages: messages(parts, diagnostics),
        feedback: Feedback::with_reasons(),
    }
}

/// What feedback may name: the fixed reasons and every article page of every language (each
/// article has a page in each language, translated or not), at the URLs `urls.rs` gives them.
pub(super) fn feedback(site: &Site) -> Feedback {
    let mut feedback = Feedback::with_reasons();
    for (l, language) in site.languages.iter_enumerated() {
        for (a, article) in site.articles.iter_enumerated() {
            let category = site.category_url(l, article.category);
            feedback.add_page(&language.code, &category, &site.article_url(l, a));
        }
    }
    feedback
}

/// The contract's choices: audiences, their categories and subcategories, labelled in every
/// language.
fn contract_audiences(
    langs: &TiSlice<LangId, Language>,
    audiences: &TiSlice<AudienceId, Audience>,
    categories: &TiSlice<CategoryId, Category>,
    d: LangId,
) -> Vec<contract::Audience> {
    use contract::Subcategory;
    let labels = |title: &dyn Fn(LangId) -> String| -> contract::Labels {
        langs
            .iter_enumerated()
            .map(|(l, lang)| (lang.code.clone(), title(l)))
            .collect()
    };
    audiences
        .iter()
        .map(|a| contract::Audience {
            id: a.id.clone(),
            labels: labels(&|l| a.docs[l].meta.title.clone()),
            categories: a
                .categories
                .iter()
                .map(|&c| {
                    let category = &categories[c];
                    contract::Category {
                        id: category.id.clone(),
                        queue: category.queue.clone(),
                        labels: labels(&|l| category.docs[l].meta.title.clone()),
                        subcategories: category.docs[d]
                            .meta
                            .subcategories
                            .iter()
                            .map(|s| Subcategory {
                                id: s.id.clone(),
                                labels: labels(&|l| {
                                    let here = category.docs[l]
                                        .meta
                                        .subcategories
                                        .iter()
                                        .find(|x| x.id == s.id);
                                    here.unwrap_or(s).title.clone()
                                }),
                            })
                            .collect(),
                    }
                })
                .collect(),
        })
        .collect()
}

/// Every language's email words: its `email_*` UI strings, its name, the site's title in it and
/// the support hours as its contact page writes them.
fn messages(parts: &Parts<'_>, diagnostics: &Diagnostics) -> contract::Messages {
    let ticket = &parts.config.ticket;
    let contact = &parts.config.contact;
    let languages = parts.langs.iter_enumerated().map(|(l, lang)| {
        let strings = &parts.strings[l];
        let hours = contact.hours.iter().map(|h| {
            let days = i18n::format_days(strings, &h.days);
            format!("{days} {}–{}", h.from, h.to)
        });
        let messages = LanguageMessages {
            language_name: lang.name.clone(),
            site_title: parts.homes[l].meta.title.clone(),
            hours: hours.collect(),
            // The IANA name: the same every year, so the contract file only changes with the settings.
            timezone: contact.timezone.name().to_string(),
            strings: email_strings(strings, &lang.code, diagnostics),
        };
        (lang.code.clone(), messages)
    });
    contract::Messages {
        acknowledge: ticket.acknowledge,
        privacy_url: ticket.privacy_url.clone(),
        languages: languages.collect(),
    }
}

/// The typed `email_*` strings of one language. The i18n check already reported missing
/// translations (they borrow the reference's text); what is left is a theme whose reference
/// lacks a key the worker needs, or has one it does not know (then empty strings stand in, and
/// the build fails on the error).
fn email_strings(strings: &Strings, code: &str, diagnostics: &Diagnostics) -> EmailStrings {
    let fields: Map<String, Value> = strings
        .iter()
        .filter_map(|(key, text)| {
            let key = key.strip_prefix(i18n::EMAIL_PREFIX)?;
            Some((key.to_string(), Value::String(text.clone())))
        })
        .collect();
    serde_json::from_value(Value::Object(fields)).unwrap_or_else(|e| {
        diagnostics.push(Diagnostic::error(
            format!("site/i18n/{code}.yaml"),
            None,
            format!("the theme's email strings do not fit the ticket worker: {e}"),
            "the `email_*` keys of site/i18n/en.yaml in the default theme are the ones it needs",
        ));
        EmailStrings::default()
    })
}
