//! `helpcenter check`: every diagnostic `build` would give, without writing anything, plus what
//! matters to writers before a release: articles no other page links to, empty categories,
//! snippets no page includes, the translation status of each language, and (on request) external
//! links.
//!
//! A translation is "behind" when the default language's article has a later `updated` date than
//! the translation (or the translation has none): the original changed after it was translated.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::build::{run, BuildError, BuildOptions, Hooks, Progress};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::external::{self, ExternalLink, ExternalOptions};
use crate::ids::ArticleId;
use crate::markdown::SiteLink;
use crate::model::Site;
use crate::write::Staging;

#[derive(Debug, Serialize)]
pub struct CheckReport {
    /// Errors first, then by file and line.
    pub diagnostics: Vec<Diagnostic>,
    /// Pages checked, when the build got as far as rendering.
    pub pages: usize,
    /// Pages per language code (site order).
    #[serde(serialize_with = "map")]
    pub pages_per_language: Vec<(String, usize)>,
    pub translations: Vec<TranslationStatus>,
    /// External addresses asked (`--external`).
    pub external_links: Option<usize>,
    #[serde(serialize_with = "seconds")]
    pub elapsed: Duration,
}

impl CheckReport {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// How far one language is from the default language's articles.
#[derive(Debug, Clone, Serialize)]
pub struct TranslationStatus {
    pub language: String,
    /// Articles of the default language.
    pub articles: usize,
    pub translated: usize,
    /// Where each missing translation would be.
    pub missing: Vec<PathBuf>,
    /// Translations whose original was updated after them.
    pub behind: Vec<PathBuf>,
}

fn seconds<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

fn map<S: serde::Serializer>(pairs: &[(String, usize)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(pairs.iter().map(|(k, v)| (k, v)))
}

/// Checks the content; `Err` only when a file cannot be read at all.
pub fn check(
    options: &BuildOptions,
    external: Option<ExternalOptions>,
    progress: Option<&dyn Progress>,
) -> Result<CheckReport, BuildError> {
    let started = Instant::now();
    let found: RefCell<(Vec<TranslationStatus>, Vec<ExternalLink>)> = RefCell::default();
    let inspect = |site: &Site, links: &[&(PathBuf, SiteLink)], diagnostics: &Diagnostics| {
        unlinked_articles(site, links, diagnostics);
        empty_categories(site, diagnostics);
        unused_snippets(site, diagnostics);
        let translations = translation_status(site, diagnostics);
        let external = if external.is_some() {
            external::collect(site)
        } else {
            Vec::new()
        };
        *found.borrow_mut() = (translations, external);
    };
    let hooks = Hooks {
        progress,
        inspect: Some(&inspect),
        skip_search: true,
    };
    let (diagnostics, pages, pages_per_language) = match run(options, Staging::discard(), &hooks) {
        Ok((report, _)) => (report.warnings, report.pages, report.pages_per_language),
        Err(BuildError::Content(diagnostics)) => (diagnostics, 0, Vec::new()),
        Err(e) => return Err(e),
    };
    let (translations, links) = found.into_inner();
    let all = Diagnostics::default();
    diagnostics.into_iter().for_each(|d| all.push(d));
    let external_links = external.map(|options| {
        external::check(&links, options)
            .into_iter()
            .for_each(|d| all.push(d));
        links
            .iter()
            .map(|l| l.url.split('#').next().unwrap_or_default())
            .collect::<HashSet<_>>()
            .len()
    });
    Ok(CheckReport {
        diagnostics: all.into_sorted(),
        pages,
        pages_per_language,
        translations,
        external_links,
        elapsed: started.elapsed(),
    })
}

/// Articles that only lists reach (their category, related articles): no other page's text links
/// to them and they are not popular. Reported once, on the default language's file.
fn unlinked_articles(site: &Site, links: &[&(PathBuf, SiteLink)], diagnostics: &Diagnostics) {
    let languages = || site.languages.keys();
    let by_url: HashMap<String, ArticleId> = site
        .articles
        .keys()
        .flat_map(|a| languages().map(move |l| (site.article_url(l, a), a)))
        .collect();
    let mut linked: HashSet<ArticleId> = site.popular().into_iter().collect();
    for (file, link) in links {
        if let Some(&a) = by_url.get(&link.url) {
            let own = site.articles[a]
                .docs
                .iter()
                .flatten()
                .any(|d| &d.path == file);
            if !own {
                linked.insert(a);
            }
        }
    }
    for (a, article) in site
        .articles
        .iter_enumerated()
        .filter(|(a, _)| !linked.contains(a))
    {
        let (doc, _) = site.article_doc(site.default_lang, a);
        diagnostics.push(Diagnostic::warning(
            &doc.path,
            None,
            format!("unlinked article: the text of no other page links to \"{}\"", doc.meta.title),
            format!("link to it where it helps readers, e.g. `[{}](../{}/{}.md)` from a related article, or add it to `home.popular`", doc.meta.title, site.categories[article.category].id, article.key),
        ));
    }
}

fn empty_categories(site: &Site, diagnostics: &Diagnostics) {
    for category in site.categories.iter().filter(|c| c.articles.is_empty()) {
        let doc = &category.docs[site.default_lang];
        let audience = &site.audiences[category.audience].id;
        diagnostics.push(Diagnostic::warning(
            &doc.path,
            None,
            format!(
                "empty category: `{audience}/{}` has no articles (drafts do not count)",
                category.id
            ),
            "add an article to the folder, or remove the category from every language",
        ));
    }
}

fn unused_snippets(site: &Site, diagnostics: &Diagnostics) {
    for (path, _) in site.snippets.iter().filter(|(_, used)| !used) {
        let name = path.file_stem().unwrap_or_default().to_string_lossy();
        diagnostics.push(Diagnostic::warning(
            path,
            None,
            format!("unused snippet: no page includes `{{{{#snippet {name}}}}}`"),
            "include it where it belongs with that line, or delete the file",
        ));
    }
}

/// Each language other than the default: what is translated, missing and behind. A translation
/// behind its original is also a warning on the translation.
fn translation_status(site: &Site, diagnostics: &Diagnostics) -> Vec<TranslationStatus> {
    let d = site.default_lang;
    let default_code = &site.languages[d].code;
    let mut all = Vec::new();
    for (l, language) in site.languages.iter_enumerated().filter(|(l, _)| *l != d) {
        let mut status = TranslationStatus {
            language: language.code.clone(),
            articles: site.articles.len(),
            translated: 0,
            missing: Vec::new(),
            behind: Vec::new(),
        };
        for article in &site.articles {
            let original = article.docs[d]
                .as_ref()
                .expect("every article exists in the default language");
            let Some(translation) = &article.docs[l] else {
                status.missing.push(translated_path(
                    &site.content_dir,
                    &original.path,
                    default_code,
                    &language.code,
                ));
                continue;
            };
            status.translated += 1;
            // A placeholder for front matter that did not parse has no date to compare.
            let Some(changed) = original.meta.updated.filter(|_| !translation.unparsed) else {
                continue;
            };
            if translation.meta.updated.is_some_and(|t| t >= changed) {
                continue;
            }
            let since = match &translation.meta.updated {
                Some(t) => format!("this translation on {t}"),
                None => "this translation has no `updated` date".to_string(),
            };
            diagnostics.push(Diagnostic::warning(
                &translation.path,
                translation.lines.get("updated").or(Some(1)),
                format!("translation behind: the {default_code} article was updated on {changed}, {since}"),
                format!("bring it up to date with {}, then set `updated: {changed}` (or later)", original.path.display()),
            ));
            status.behind.push(translation.path.clone());
        }
        all.push(status);
    }
    all
}

/// `content/en/users/a/b.md` → `content/it/users/a/b.md`.
fn translated_path(content_dir: &Path, original: &Path, from: &str, to: &str) -> PathBuf {
    match original.strip_prefix(content_dir.join(from)) {
        Ok(rel) => content_dir.join(to).join(rel),
        Err(_) => original.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_translations_keep_the_path() {
        assert_eq!(
            translated_path(
                Path::new("content"),
                Path::new("content/en/users/a/b.md"),
                "en",
                "it"
            ),
            PathBuf::from("content/it/users/a/b.md")
        );
    }
}
