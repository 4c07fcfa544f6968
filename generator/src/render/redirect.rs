//! The page at an article's old path ([`Alias`]): it sends visitors on at once (a meta refresh
//! works on any static host), names the new page as canonical and asks not to be indexed.

use serde::Serialize;

use super::{pages::dir_name, Renderer};
use crate::diagnostics::Diagnostic;
use crate::model::Alias;

/// The template of an old path's page, and the file it is written to.
pub(super) const REDIRECT_TEMPLATE: &str = "redirect.html";

#[derive(Serialize)]
struct RedirectData<'a> {
    lang: &'a str,
    dir: &'static str,
    /// The article's title in the language of the page it leads to.
    title: &'a str,
    moved: String,
    url: String,
    canonical: String,
}

impl Renderer<'_> {
    /// The HTML of an old path's page.
    pub fn redirect(&self, alias: &Alias) -> Result<String, Diagnostic> {
        let site = self.site;
        let (doc, _) = site.article_doc(alias.lang, alias.article);
        let language = &site.languages[alias.lang];
        let url = site.article_url(alias.lang, alias.article);
        let data = RedirectData {
            lang: &language.code,
            dir: dir_name(language.dir),
            title: &doc.meta.title,
            moved: self.s(alias.lang, "page_moved"),
            canonical: site.absolute(&url),
            url,
        };
        self.fill(REDIRECT_TEMPLATE, &data)
    }
}
