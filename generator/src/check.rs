//! `helpcenter check`: every diagnostic `build` would give, without writing anything, plus what
//! matters to writers before a release: articles no other page links to, empty categories,
//! snippets no page includes, the translation status of each language, and (on request) external
//! links.
//!
//! A translation is "behind" when its original changed after it was translated: by git history
//! where there is one, else by the `updated` dates (see `model/translations.rs`).

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::build::{run, BuildError, BuildOptions, Hooks, Progress};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::external::{self, ExternalLink, ExternalOptions};
use crate::ids::ArticleId;
use crate::load::{ArticleMeta, Doc};
use crate::markdown::SiteLink;
use crate::model::Behind;
use crate::model::{Site, StatusBasis};
use crate::write::Staging;

mod since;

pub use since::Since;

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
    /// What the translation status was judged by.
    pub translation_basis: StatusBasis,
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
    /// Each missing or behind translation, for a worklist.
    pub files: Vec<TranslationFile>,
}

/// One translation to do or to bring up to date.
#[derive(Debug, Clone, Serialize)]
pub struct TranslationFile {
    /// Where the translation is (or would be).
    pub file: PathBuf,
    pub original: PathBuf,
    /// `missing` or `behind`.
    pub state: &'static str,
    /// Commits that changed the original since the translation's last commit (`None`: judged
    /// by the `updated` dates, or missing).
    pub changes: Option<usize>,
    /// When the original last changed (its latest commit, or its `updated` date).
    pub original_changed: Option<jiff::civil::Date>,
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
    since: Option<&Since>,
    progress: Option<&dyn Progress>,
) -> Result<CheckReport, BuildError> {
    let started = Instant::now();
    let found: RefCell<(Vec<TranslationStatus>, StatusBasis, Vec<ExternalLink>)> =
        RefCell::default();
    let inspect = |site: &Site, links: &[&SiteLink], diagnostics: &Diagnostics| {
        unlinked_articles(site, links, diagnostics);
        empty_categories(site, diagnostics);
        unused_snippets(site, diagnostics);
        if let Some(since) = since {
            since::gone_articles(site, since, diagnostics);
        }
        let translations = translation_status(site, diagnostics);
        let external = if external.is_some() {
            external::collect(site)
        } else {
            Vec::new()
        };
        *found.borrow_mut() = (translations, site.status_basis.clone(), external);
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
    let (translations, translation_basis, links) = found.into_inner();
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
        translation_basis,
        external_links,
        elapsed: started.elapsed(),
    })
}

/// Articles that only lists reach (their category, related articles): no other page's text links
/// to them and they are not popular. Reported once, on the default language's file.
fn unlinked_articles(site: &Site, links: &[&SiteLink], diagnostics: &Diagnostics) {
    let languages = || site.languages.keys();
    let by_url: HashMap<String, ArticleId> = site
        .articles
        .keys()
        .flat_map(|a| languages().map(move |l| (site.article_url(l, a), a)))
        .collect();
    let mut linked: HashSet<ArticleId> = site.popular().into_iter().collect();
    for link in links {
        let file = &*link.file;
        if let Some(&a) = by_url.get(&link.url) {
            let own = site.articles[a]
                .docs
                .iter()
                .flatten()
                .any(|d| d.path == file);
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
            files: Vec::new(),
        };
        for (a, article) in site.articles.iter_enumerated() {
            let original = article.docs[d]
                .as_ref()
                .expect("every article exists in the default language");
            let file = |file: PathBuf, state, behind: Option<&Behind>| TranslationFile {
                file,
                original: original.path.clone(),
                state,
                changes: behind.and_then(|b| b.changes),
                original_changed: behind.map(|b| b.original_changed),
            };
            let Some(translation) = &article.docs[l] else {
                let path = translated_path(
                    &site.content_dir,
                    &original.path,
                    default_code,
                    &language.code,
                );
                status.missing.push(path.clone());
                status.files.push(file(path, "missing", None));
                continue;
            };
            status.translated += 1;
            let Some(behind) = site.behind.get(&(l, a)) else {
                continue;
            };
            diagnostics.push(behind_warning(
                default_code,
                &original.path,
                translation,
                behind,
            ));
            status.behind.push(translation.path.clone());
            status
                .files
                .push(file(translation.path.clone(), "behind", Some(behind)));
        }
        all.push(status);
    }
    all
}

fn behind_warning(
    default_code: &str,
    original: &Path,
    translation: &Doc<ArticleMeta>,
    behind: &Behind,
) -> Diagnostic {
    let changed = behind.original_changed;
    let (message, hint) = match (behind.changes, &translation.meta.updated) {
        (Some(n), _) => (
            format!("translation behind: {n} commit(s) changed the {default_code} article since this translation last changed (the latest on {changed})"),
            format!("bring it up to date with {} and commit it", original.display()),
        ),
        (None, Some(t)) => (
            format!("translation behind: the {default_code} article was updated on {changed}, this translation on {t}"),
            format!("bring it up to date with {}, then set `updated: {changed}` (or later)", original.display()),
        ),
        (None, None) => (
            format!("translation behind: the {default_code} article was updated on {changed}, this translation has no `updated` date"),
            format!("bring it up to date with {}, then set `updated: {changed}` (or later)", original.display()),
        ),
    };
    let line = translation.lines.get("updated").or(Some(1));
    Diagnostic::warning(&translation.path, line, message, hint)
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
