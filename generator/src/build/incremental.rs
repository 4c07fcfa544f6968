//! `serve`'s quick path. When only articles' text changed — an article saved, or a snippet that
//! only articles include — the model is patched and only the pages that show those articles
//! ([`affected`](super::affected)) are rendered again, instead of running the whole pipeline;
//! the links of the whole site are checked again as a full build checks them. What places an
//! article on the site (its order, tags, dates, slug, aliases, draft state, or a new title that
//! moves it in its category) is not patched: such a change, and any other (a category, a
//! template, the settings, a file added or removed) takes the full build. Saved UI strings have a
//! quick path of their own ([`strings`]). The search index of each language concerned is written
//! again apart ([`SearchJob`]), so `serve` can let it follow in the background.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use super::{
    affected, io_error, render_all, report, report_whole_site, write_alias_pages, BuildError,
    BuildOptions, BuildReport, Written,
};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::i18n::Strings;
use crate::ids::{ArticleId, LangId, PerLanguage};
use crate::links::Targets;
use crate::load::{self, ArticleMeta, Doc, SNIPPETS_DIR};
use crate::model::{Alias, Site, Target};
use crate::page::Page;
use crate::render::Renderer;
use crate::search;
use crate::urls;
use crate::watch::Changes;
use crate::write::{SiteFiles, Staged, Staging};

mod strings;

/// What a build leaves for the quick path: the model, the theme's data, and what each page's
/// rendering gave (links, anchors, search record).
pub struct Kept {
    site: Site,
    strings: PerLanguage<Strings>,
    assets: BTreeMap<String, String>,
    pages: Vec<Page>,
    index: HashMap<Page, usize>,
    written: Vec<Option<Written>>,
    /// What loading and the model said, which a patch does not change.
    model_warnings: Vec<Diagnostic>,
    /// Where links may lead, and what the check found in each page's links.
    targets: Targets,
    link_problems: Vec<Vec<Diagnostic>>,
    /// Pages rendered since the site served was built, by updates that failed: they are
    /// rendered again with the next update, so that its site has them all.
    pending: BTreeSet<usize>,
}

/// The outcome of a quick update.
pub struct Update {
    pub report: BuildReport,
    /// The pages rendered again and their old paths' pages (and the ticket contract, when UI
    /// strings changed), to put into the site served; the other site-wide files do not depend on
    /// what the quick path takes, and the search bundles follow ([`Update::search`]).
    pub files: SiteFiles,
    /// The search bundles now behind the pages.
    pub search: Vec<SearchJob>,
}

/// A language's search bundle, to write again from its articles' records.
pub struct SearchJob {
    code: String,
    records: Vec<Arc<search::Record>>,
}

impl SearchJob {
    /// The language's code: its bundle is `/<code>/pagefind/`.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The folder the bundle's files go in, relative to the site root.
    pub fn dir(&self) -> String {
        urls::search_dir(&self.code)
    }

    /// The bundle's files, relative to the site root.
    pub fn run(self) -> Result<Vec<(String, Vec<u8>)>, BuildError> {
        let runtime = search::Runtime::load(&[self.code.as_str()])?;
        let bundle = search::write_bundle(&self.code, self.records.iter().map(|r| &**r), &runtime);
        let dir = self.dir();
        let files = bundle.files.into_iter();
        Ok(files
            .map(|(name, bytes)| (format!("{dir}/{name}"), bytes))
            .collect())
    }
}

impl Kept {
    pub(super) fn new(
        site: Site,
        strings: PerLanguage<Strings>,
        assets: BTreeMap<String, String>,
        pages: Vec<Page>,
        written: Vec<Option<Written>>,
        model_warnings: Vec<Diagnostic>,
        (targets, link_problems): (Targets, Vec<Vec<Diagnostic>>),
    ) -> Kept {
        let index = pages.iter().enumerate().map(|(i, &p)| (p, i)).collect();
        Kept {
            site,
            strings,
            assets,
            pages,
            index,
            written,
            model_warnings,
            targets,
            link_problems,
            pending: BTreeSet::new(),
        }
    }

    /// Brings the site up to `changes` by the quick path; `None` when they need the full build
    /// (nothing was changed then).
    pub fn update(
        &mut self,
        options: &BuildOptions,
        changes: &Changes,
    ) -> Option<Result<Update, BuildError>> {
        let started = Instant::now();
        if let Some(languages) = self.edited_strings(options, changes) {
            return self.strings_again(options, &languages, started);
        }
        let edited = self.edited_articles(changes)?;
        let mut docs = Vec::new();
        for (l, a, path) in edited {
            let (site, code) = (&self.site, &self.site.languages[l].code);
            let doc = load::reread_article(&site.content_dir, &site.config, code, &path)?;
            if !self.places_alike(l, a, &doc) {
                return None;
            }
            docs.push((l, a, doc));
        }
        let mut affected = std::mem::take(&mut self.pending);
        let mut articles = BTreeSet::new();
        for (l, a, doc) in docs {
            let pages = affected::article_text(&self.site, a);
            affected.extend(pages.iter().filter_map(|p| self.index.get(p)));
            self.site.articles[a].docs[l] = Some(doc);
            articles.insert(a);
        }
        let aliases = |alias: &Alias| articles.contains(&alias.article);
        Some(self.render_again_or_keep(options, affected, &articles, &aliases, started))
    }

    /// [`Kept::render_again`]; when it fails, `affected` is rendered again with the next update.
    fn render_again_or_keep(
        &mut self,
        options: &BuildOptions,
        affected: BTreeSet<usize>,
        articles: &BTreeSet<ArticleId>,
        aliases: &dyn Fn(&Alias) -> bool,
        started: Instant,
    ) -> Result<Update, BuildError> {
        let outcome = self.render_again(options, &affected, articles, aliases, started);
        if outcome.is_err() {
            self.pending = affected;
        }
        outcome
    }

    /// The articles the changes edited, by language, with their files (a changed snippet's
    /// including articles); `None` when anything else changed.
    fn edited_articles(&self, changes: &Changes) -> Option<Vec<(LangId, ArticleId, PathBuf)>> {
        if !changes.added.is_empty() || !changes.removed.is_empty() {
            return None;
        }
        let mut edited = BTreeSet::new();
        for path in &changes.modified {
            let rel = path.strip_prefix(&self.site.content_dir).ok()?;
            if rel.parent().and_then(Path::file_name) == Some(SNIPPETS_DIR.as_ref()) {
                edited.extend(self.including(path)?);
                continue;
            }
            match self.site.resolve_content_path(rel)? {
                (l, Target::Article(a)) if self.site.is_translated(l, a) => {
                    edited.insert((l, a));
                }
                _ => return None,
            }
        }
        let path = |l, a| self.site.article_doc(l, a).0.path.clone();
        Some(
            edited
                .into_iter()
                .map(|(l, a)| (l, a, path(l, a)))
                .collect(),
        )
    }

    /// The article docs that include the snippet file `path`; `None` when another page does.
    fn including(&self, path: &Path) -> Option<Vec<(LangId, ArticleId)>> {
        let site = &self.site;
        let includes = |includes: &[PathBuf]| includes.iter().any(|p| p == path);
        let other_docs = (site.homes.iter().map(|d| &d.includes))
            .chain(site.contacts.iter().map(|d| &d.includes))
            .chain(
                site.audiences
                    .iter()
                    .flat_map(|x| x.docs.iter().map(|d| &d.includes)),
            )
            .chain(
                site.categories
                    .iter()
                    .flat_map(|x| x.docs.iter().map(|d| &d.includes)),
            );
        if other_docs.into_iter().any(|i| includes(i)) {
            return None;
        }
        let mut found = Vec::new();
        for (a, article) in site.articles.iter_enumerated() {
            for (l, doc) in article.docs.iter_enumerated() {
                if doc.as_ref().is_some_and(|d| includes(&d.includes)) {
                    found.push((l, a));
                }
            }
        }
        Some(found)
    }

    /// Whether `doc`, the new text of article `a` in language `l`, leaves the article where it
    /// was: the same order, tags, dates, slug, aliases and draft state, and a title that keeps
    /// its place in its category (titles order articles of equal `order`).
    fn places_alike(&self, l: LangId, a: ArticleId, doc: &Doc<ArticleMeta>) -> bool {
        let old = self.site.article_doc(l, a).0;
        let (m, n) = (&old.meta, &doc.meta);
        let alike = m.order == n.order
            && m.tags == n.tags
            && m.updated == n.updated
            && m.slug == n.slug
            && m.aliases == n.aliases
            && m.draft == n.draft
            && !old.unparsed;
        alike && (m.title == n.title || l != self.site.default_lang || self.keeps_place(a, n))
    }

    /// Whether article `a` with meta `new` sorts between its neighbours, strictly.
    fn keeps_place(&self, a: ArticleId, new: &ArticleMeta) -> bool {
        let site = &self.site;
        let key = |m: &ArticleMeta| (m.order.unwrap_or(i64::MAX), m.title.to_lowercase());
        let meta = |b: ArticleId| &site.article_doc(site.default_lang, b).0.meta;
        let list = &site.categories[site.articles[a].category].articles;
        let Some(p) = list.iter().position(|&x| x == a) else {
            return false;
        };
        let before = p.checked_sub(1).map(|q| key(meta(list[q])));
        let after = list.get(p + 1).map(|&b| key(meta(b)));
        let new = key(new);
        before.is_none_or(|b| b < new) && after.is_none_or(|b| new < b)
    }

    /// Renders `affected` again, checks the links that may have changed (those of the pages
    /// rendered and those to the edited `articles`, whose headings may have) and renders the
    /// old paths' pages that `aliases` picks, into memory. The other site-wide files (sitemap,
    /// `_redirects`, and the contract but for UI strings, whose path adds it) do not depend on
    /// what an edit can change.
    fn render_again(
        &mut self,
        options: &BuildOptions,
        affected: &BTreeSet<usize>,
        articles: &BTreeSet<ArticleId>,
        aliases: &dyn Fn(&Alias) -> bool,
        started: Instant,
    ) -> Result<Update, BuildError> {
        let diagnostics = Diagnostics::default();
        let site = &self.site;
        let renderer = Renderer::new(
            site,
            &options.site_dir,
            self.strings.clone(),
            self.assets.clone(),
        )
        .map_err(|d| BuildError::Content(vec![d]))?;
        let codes: Vec<&str> = site.languages.iter().map(|l| l.code.as_str()).collect();
        let indexer = search::Indexer::new(&codes);
        let pages: Vec<Page> = affected.iter().map(|&i| self.pages[i]).collect();
        let staging = Staging::in_memory();
        let outputs = render_all(
            &renderer,
            Some(&indexer),
            &pages,
            &staging,
            &diagnostics,
            None,
        )?;
        let mut languages = BTreeSet::new();
        for (&i, output) in affected.iter().zip(outputs) {
            let Some(output) = output else {
                continue; // its problems fail the update
            };
            if let Some((l, a, ids)) = &output.anchors {
                self.targets.set_anchors(site.article_url(*l, *a), ids);
            }
            if let (Page::Article(l, _), Some(_)) = (output.page, &output.search) {
                languages.insert(l);
            }
            self.written[i] = Some(output);
        }
        let checked = (&self.written[..], &self.targets);
        check_links_again(site, checked, &mut self.link_problems, affected, articles);
        self.link_problems
            .iter()
            .flatten()
            .for_each(|d| diagnostics.push(d.clone()));
        self.model_warnings
            .iter()
            .for_each(|d| diagnostics.push(d.clone()));
        report_whole_site(site, &diagnostics);
        if diagnostics.has_errors() {
            return Err(BuildError::Content(diagnostics.into_sorted()));
        }
        let aliases = site.aliases.iter().filter(|x| aliases(x));
        write_alias_pages(site, &renderer, aliases, &staging)?;
        let Staged::Memory(files) = staging.commit().map_err(io_error(Path::new("")))? else {
            unreachable!("a build into memory commits to memory")
        };
        let search = (languages.into_iter())
            .map(|l| search_job(site, &self.written, l))
            .collect();
        Ok(Update {
            report: report(site, &self.pages, diagnostics.into_sorted(), started),
            files,
            search,
        })
    }
}

/// Checks again the links of the pages in `affected` and of every page that links to one of
/// `articles`.
fn check_links_again(
    site: &Site,
    (written, targets): (&[Option<Written>], &Targets),
    link_problems: &mut [Vec<Diagnostic>],
    affected: &BTreeSet<usize>,
    articles: &BTreeSet<ArticleId>,
) {
    let urls: BTreeSet<String> = (site.languages.keys())
        .flat_map(|l| articles.iter().map(move |&a| site.article_url(l, a)))
        .collect();
    // Most links name a page's URL as it is; only the others need making into one.
    let names = |url: &String| {
        urls.contains(url) || (!url.ends_with('/') && urls.contains(&targets.page_of(url)))
    };
    let links_to_them = |w: &Written| w.links.iter().any(|link| names(&link.url));
    for (i, written) in written.iter().enumerate() {
        let Some(written) = written else { continue };
        if affected.contains(&i) || links_to_them(written) {
            link_problems[i] = targets.check(site, written.page, &written.links);
        }
    }
}

/// Language `l`'s search bundle from its articles' records, in page order.
pub(super) fn search_job(site: &Site, written: &[Option<Written>], l: LangId) -> SearchJob {
    let records = written
        .iter()
        .flatten()
        .filter_map(|w| match (w.page, &w.search) {
            (Page::Article(x, _), Some(record)) if x == l => Some(record.clone()),
            _ => None,
        });
    SearchJob {
        code: site.languages[l].code.clone(),
        records: records.collect(),
    }
}
