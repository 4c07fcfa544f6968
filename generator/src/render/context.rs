//! The data each template gets, as types: a misspelled key is a compile error here instead of an
//! empty spot on a page. One struct per template (`<name>.html` ← `<Name>Page`), all sharing
//! [`Common`] as `page`, and their language's [`Shared`] data as `site` and its UI strings as `t`;
//! the templates in `site/templates/` are their only readers.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::{Hours, Social};
use crate::markdown::Heading;

use super::feedback::Feedback;
use super::form::Form;

/// What all pages of a language share, as `site`, beside its UI strings as `t`: serialized once
/// per language rather than into every page's data (see `Renderer::fill_page`).
#[derive(Serialize)]
pub(super) struct Shared<'a> {
    pub(super) lang: &'a str,
    pub(super) dir: &'static str,
    /// The site's title in this language (its home page's).
    pub(super) title: &'a str,
    pub(super) home_url: String,
    pub(super) contact_url: String,
    pub(super) search_url: String,
    /// The folder of this language's search bundle (`pagefind.js` is in it).
    pub(super) search_bundle_url: String,
    pub(super) fallback_email: &'a str,
    /// Theme asset (`style_css`, `app_js`) → its hashed URL.
    pub(super) assets: &'a BTreeMap<String, String>,
    /// The writer's icon (`favicon`); none: the theme's.
    pub(super) favicon: Option<String>,
    /// `theme_color`; none: the theme's.
    pub(super) theme_color: Option<&'a str>,
}

/// What every page's template gets about the page itself, as `page`.
#[derive(Serialize)]
pub(super) struct Common<'a> {
    pub(super) title: String,
    pub(super) description: String,
    pub(super) canonical: String,
    pub(super) alternates: Vec<Alternate>,
    pub(super) switcher: Vec<Switch>,
    pub(super) breadcrumbs: Vec<Link>,
    /// Set on pages shown in the default language because the translation is missing.
    pub(super) untranslated: bool,
    pub(super) content_lang: &'a str,
    pub(super) content_dir: &'static str,
    /// On pages that say whether support is open (the contact page and those with a "still need
    /// help?" block): what `open-now.js` computes it from.
    pub(super) support: Option<Support<'a>>,
}

/// The support hours as data for the browser, which knows the visitor's clock and time zone.
#[derive(Serialize)]
pub(super) struct Support<'a> {
    /// The IANA zone the hours are wall-clock times of.
    pub(super) zone: &'a str,
    pub(super) hours: &'a [Hours],
    pub(super) holidays: &'a [jiff::civil::Date],
    pub(super) response_hours: u32,
}

#[derive(Serialize)]
pub(super) struct Link {
    pub(super) title: String,
    pub(super) url: String,
}

#[derive(Serialize)]
pub(super) struct Alternate {
    pub(super) hreflang: String,
    pub(super) href: String,
}

/// One entry of the language switcher.
#[derive(Serialize)]
pub(super) struct Switch {
    pub(super) code: String,
    pub(super) name: String,
    pub(super) url: String,
    pub(super) current: bool,
}

/// An article in a list; `translated` is false where the default language's text stands in.
#[derive(Serialize)]
pub(super) struct ArticleLink<'a> {
    pub(super) title: &'a str,
    pub(super) url: String,
    pub(super) summary: Option<&'a str>,
    pub(super) translated: bool,
}

/// `404.html`, `thanks.html`: nothing but the common data.
#[derive(Serialize)]
pub(super) struct PlainPage<'a> {
    pub(super) page: Common<'a>,
}

/// `search.html`: the common data, and where searches that found nothing are reported.
#[derive(Serialize)]
pub(super) struct SearchPage<'a> {
    pub(super) page: Common<'a>,
    pub(super) feedback_endpoint: String,
}

/// `root.html`: the language chooser.
#[derive(Serialize)]
pub(super) struct RootPage<'a> {
    pub(super) page: Common<'a>,
    pub(super) languages: Vec<RootLanguage<'a>>,
}

#[derive(Serialize)]
pub(super) struct RootLanguage<'a> {
    pub(super) code: &'a str,
    pub(super) name: &'a str,
    pub(super) url: String,
    pub(super) title: &'a str,
    pub(super) dir: &'static str,
}

/// `home.html`.
#[derive(Serialize)]
pub(super) struct HomePage<'a> {
    pub(super) page: Common<'a>,
    pub(super) body: String,
    pub(super) audiences: Vec<AudienceCard<'a>>,
    pub(super) popular: Vec<ArticleLink<'a>>,
    pub(super) recent: Vec<ArticleLink<'a>>,
}

#[derive(Serialize)]
pub(super) struct AudienceCard<'a> {
    pub(super) id: &'a str,
    pub(super) title: &'a str,
    pub(super) description: Option<&'a str>,
    pub(super) url: String,
}

/// `section.html`: an audience's categories, each with its first articles.
#[derive(Serialize)]
pub(super) struct SectionPage<'a> {
    pub(super) page: Common<'a>,
    pub(super) body: String,
    pub(super) categories: Vec<CategoryBox<'a>>,
    pub(super) ticket_url: String,
}

#[derive(Serialize)]
pub(super) struct CategoryBox<'a> {
    pub(super) title: &'a str,
    pub(super) description: Option<&'a str>,
    pub(super) url: String,
    pub(super) articles: Vec<ArticleLink<'a>>,
    pub(super) count: usize,
    /// More articles than the section shows.
    pub(super) more: bool,
}

/// `category.html`.
#[derive(Serialize)]
pub(super) struct CategoryPage<'a> {
    pub(super) page: Common<'a>,
    pub(super) body: String,
    pub(super) articles: Vec<ArticleLink<'a>>,
    pub(super) ticket_url: String,
}

/// `article.html`.
#[derive(Serialize)]
pub(super) struct ArticlePage<'a> {
    pub(super) page: Common<'a>,
    pub(super) body: String,
    pub(super) toc: Vec<Heading>,
    /// The date as the page's language writes it, and as `YYYY-MM-DD`.
    pub(super) updated: Option<String>,
    pub(super) updated_iso: Option<jiff::civil::Date>,
    pub(super) tags: &'a [String],
    pub(super) related: Vec<ArticleLink<'a>>,
    pub(super) prev: Option<ArticleLink<'a>>,
    pub(super) next: Option<ArticleLink<'a>>,
    pub(super) ticket_url: String,
    /// "Was this article helpful?"
    pub(super) feedback: Feedback<'a>,
    /// For an untranslated page: the original's URL, for the notice.
    pub(super) translated_elsewhere: Option<String>,
    /// For a translation behind its original: the notice.
    pub(super) outdated: Option<Outdated<'a>>,
}

/// "This translation may be out of date: the English version changed on 12 March 2026."
#[derive(Serialize)]
pub(super) struct Outdated<'a> {
    pub(super) text: String,
    pub(super) link: String,
    /// The original's page, in its language.
    pub(super) url: String,
    pub(super) lang: &'a str,
    pub(super) dir: &'static str,
}

/// `contact.html`: the ticket form and everything around it.
#[derive(Serialize)]
pub(super) struct ContactPage<'a> {
    pub(super) page: Common<'a>,
    pub(super) body: String,
    pub(super) form: Form<'a>,
    pub(super) hours: Vec<HoursRow<'a>>,
    /// The zone's derived label, e.g. "CET/CEST (UTC+1/UTC+2)".
    pub(super) timezone: String,
    pub(super) response_hours: String,
    pub(super) billing: Vec<DepartmentCard<'a>>,
    pub(super) elsewhere: Vec<DepartmentCard<'a>>,
    pub(super) social: &'a [Social],
    pub(super) thanks_url: String,
}

#[derive(Serialize)]
pub(super) struct HoursRow<'a> {
    pub(super) days: String,
    pub(super) from: &'a str,
    pub(super) to: &'a str,
}

#[derive(Serialize)]
pub(super) struct DepartmentCard<'a> {
    pub(super) id: &'a str,
    pub(super) email: &'a str,
    pub(super) title: &'a str,
    pub(super) description: Option<&'a str>,
}
