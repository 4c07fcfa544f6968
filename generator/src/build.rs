//! The pipeline: `content/` → load → model → render → write `public/`. Pages are rendered and
//! written in parallel as they are made (nothing holds the whole site's HTML), links are checked
//! once every page is known, and the staged output replaces the old site only when there were no
//! errors.

mod affected;
pub mod incremental;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::assets::{self, AssetError};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::headers;
use crate::i18n::Strings;
use crate::ids::{ArticleId, LangId, PerLanguage};
use crate::links;
use crate::markdown::SiteLink;
use crate::model::{Alias, Site};
use crate::page::Page;
use crate::redirects;
use crate::render::{Output, Renderer, SearchEntry};
use crate::search;
use crate::sitemap;
use crate::urls::{self, CONTRACT_FILE, REDIRECTS_FILE, ROBOTS_FILE, SITEMAP_FILE};
use crate::write::{Staged, Staging};
use crate::{i18n, load};

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub content_dir: PathBuf,
    pub site_dir: PathBuf,
    pub out_dir: PathBuf,
    /// Replaces `base_url` of the settings (e.g. `http://127.0.0.1:8000` when serving locally).
    pub base_url: Option<String>,
    /// Replaces `ticket.endpoint` of the settings (`helpcenter serve` answers the form itself).
    pub ticket_endpoint: Option<String>,
}

#[derive(Debug)]
pub struct BuildReport {
    pub pages: usize,
    /// Pages written per language code.
    pub pages_per_language: Vec<(String, usize)>,
    /// Articles shown in the default language because their translation is missing, per language.
    pub untranslated: Vec<(String, usize)>,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("the build found {} error(s)", .0.iter().filter(|d| d.is_error()).count())]
    Content(Vec<Diagnostic>),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Asset(#[from] AssetError),
    #[error("cannot make the search index: {0}")]
    Search(#[from] search::SearchError),
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> BuildError + '_ {
    move |source| BuildError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A step of the pipeline, for progress reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Load,
    Model,
    Render { pages: usize },
    Write,
}

/// Hears how far a build got (a progress bar, log lines). Pages render in parallel.
pub trait Progress: Sync {
    fn step(&self, step: Step);
    fn page_done(&self);
}

/// Sees the model and every site link written in its Markdown (with the file it is written in)
/// once all pages are rendered, and may add diagnostics of its own (`check`).
pub type Inspect<'a> = &'a dyn Fn(&Site, &[&SiteLink], &Diagnostics);

/// What callers other than [`build`] plug into [`run`].
#[derive(Default)]
pub struct Hooks<'a> {
    pub progress: Option<&'a dyn Progress>,
    pub inspect: Option<Inspect<'a>>,
    /// Leaves out the search index (`check` throws the output away).
    pub skip_search: bool,
}

impl Hooks<'_> {
    fn step(&self, step: Step) {
        if let Some(progress) = self.progress {
            progress.step(step);
        }
    }
}

/// Builds the site into `options.out_dir`.
pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildError> {
    let staging = Staging::begin(&options.out_dir).map_err(io_error(&options.out_dir))?;
    run(options, staging, &Hooks::default()).map(|(report, _)| report)
}

/// The pipeline, writing into `staging`: a folder (`build`), memory (`serve`) or nowhere (`check`).
pub fn run(
    options: &BuildOptions,
    staging: Staging,
    hooks: &Hooks<'_>,
) -> Result<(BuildReport, Staged), BuildError> {
    pipeline(options, staging, hooks, false).map(|(report, staged, _)| (report, staged))
}

/// [`run`], and what `serve` keeps to render pages again when one changes ([`incremental`]).
pub fn run_kept(
    options: &BuildOptions,
    staging: Staging,
    hooks: &Hooks<'_>,
) -> Result<(BuildReport, Staged, incremental::Kept), BuildError> {
    let (report, staged, kept) = pipeline(options, staging, hooks, true)?;
    Ok((report, staged, kept.expect("kept when asked")))
}

/// The steps; `keep`: also return what `serve`'s quick path needs. Without it, the Markdown and
/// the links are let go once every page is rendered and checked, before the search bundles are
/// made: at 50,000 pages that is a third of the build's peak memory.
fn pipeline(
    options: &BuildOptions,
    staging: Staging,
    hooks: &Hooks<'_>,
    keep: bool,
) -> Result<(BuildReport, Staged, Option<incremental::Kept>), BuildError> {
    let started = Instant::now();
    let diagnostics = Diagnostics::default();
    let Some((mut site, strings)) = load_model(options, hooks, &diagnostics)? else {
        return Err(BuildError::Content(diagnostics.into_sorted()));
    };
    let codes: Vec<&str> = site.languages.iter().map(|l| l.code.as_str()).collect();
    let indexer = (!hooks.skip_search).then(|| search::Indexer::new(&codes));
    let assets = assets::copy_theme_assets(&options.site_dir, &site, &staging)?;
    let strings = i18n::page_strings(strings);
    let model_warnings = diagnostics.to_vec();
    let renderer = match Renderer::new(&site, &options.site_dir, strings.clone(), assets.clone()) {
        Ok(renderer) => renderer,
        Err(d) => {
            diagnostics.push(d);
            return Err(BuildError::Content(diagnostics.into_sorted()));
        }
    };
    let pages = site.pages();
    hooks.step(Step::Render { pages: pages.len() });
    let mut outputs = render_all(
        &renderer,
        indexer.as_ref(),
        &pages,
        &staging,
        &diagnostics,
        hooks.progress,
    )?;
    // Written before the links are checked, so that the renderer (which borrows the model) is
    // done; a build whose links fail drops them with the rest of `staging`.
    if !diagnostics.has_errors() {
        write_site_files(&site, &renderer, &pages, &staging)?;
    }
    drop(renderer);
    if let Some(inspect) = hooks.inspect {
        let links: Vec<&SiteLink> = outputs.iter().flatten().flat_map(|w| &w.links).collect();
        inspect(&site, &links, &diagnostics);
    }
    if !keep {
        site.release_text();
    }
    let links = check_links(&site, &pages, &outputs, &diagnostics);
    report_whole_site(&site, &diagnostics);
    if diagnostics.has_errors() {
        return Err(BuildError::Content(diagnostics.into_sorted()));
    }
    hooks.step(Step::Write);
    let links = keep.then_some(links);
    if !keep {
        outputs
            .iter_mut()
            .flatten()
            .for_each(Written::release_links);
    }
    if !hooks.skip_search {
        write_search_bundles(&site, &outputs, &staging)?;
    }
    copy_static_files(&site, &staging)?;
    let staged = staging.commit().map_err(io_error(&options.out_dir))?;
    let report = report(&site, &pages, diagnostics.into_sorted(), started);
    let kept = links.map(|links| {
        incremental::Kept::new(site, strings, assets, pages, outputs, model_warnings, links)
    });
    Ok((report, staged, kept))
}

/// The warnings about the whole site, once its pages are known.
fn report_whole_site(site: &Site, diagnostics: &Diagnostics) {
    report_untranslated(site, diagnostics);
    report_redirect_limit(site, diagnostics);
}

/// Steps 1 and 2: the content and the theme's UI strings loaded and made into the site's model
/// (`None` when the model lacks what every page needs; `diagnostics` say why).
fn load_model(
    options: &BuildOptions,
    hooks: &Hooks<'_>,
    diagnostics: &Diagnostics,
) -> Result<Option<(Site, PerLanguage<Strings>)>, BuildError> {
    hooks.step(Step::Load);
    let mut source = load::load(&options.content_dir, diagnostics).map_err(BuildError::Content)?;
    if let Some(base_url) = &options.base_url {
        source.config.base_url = base_url.trim_end_matches('/').to_string();
    }
    if let Some(endpoint) = &options.ticket_endpoint {
        source.config.ticket.endpoint = endpoint.clone();
    }
    let codes: Vec<&str> = source
        .config
        .languages
        .iter()
        .map(|l| l.code.as_str())
        .collect();
    let strings = i18n::load(&options.site_dir, &codes, diagnostics);
    hooks.step(Step::Model);
    Ok(Site::build(source, &strings, diagnostics).map(|site| (site, strings)))
}

fn report(
    site: &Site,
    pages: &[Page],
    diagnostics: Vec<Diagnostic>,
    started: Instant,
) -> BuildReport {
    let per_language = |count: &dyn Fn(LangId) -> usize| {
        let languages = site.languages.iter_enumerated();
        languages
            .map(|(l, lang)| (lang.code.clone(), count(l)))
            .collect()
    };
    let pages_in = |l: LangId| pages.iter().filter(|p| p.language() == Some(l)).count();
    let untranslated_in = |l: LangId| {
        site.articles
            .keys()
            .filter(|&a| !site.is_translated(l, a))
            .count()
    };
    BuildReport {
        pages: pages.len(),
        pages_per_language: per_language(&pages_in),
        untranslated: per_language(&untranslated_in),
        warnings: diagnostics,
        elapsed: started.elapsed(),
    }
}

/// What the build keeps of a page once it is written.
struct Written {
    page: Page,
    links: Vec<SiteLink>,
    anchors: Option<(LangId, ArticleId, Vec<String>)>,
    /// Shared with `serve`'s background indexing.
    search: Option<Arc<search::Record>>,
}

impl Written {
    /// What only the link check and `serve` need.
    fn release_links(&mut self) {
        self.links = Vec::new();
        self.anchors = None;
    }
}

/// Renders and writes every page in parallel; the HTML is dropped as soon as it is on disk.
fn render_all(
    renderer: &Renderer<'_>,
    indexer: Option<&search::Indexer>,
    pages: &[Page],
    staging: &Staging,
    diagnostics: &Diagnostics,
    progress: Option<&dyn Progress>,
) -> Result<Vec<Option<Written>>, BuildError> {
    let write = |page: Page, output: Output| -> Result<Written, BuildError> {
        let Output {
            file,
            html,
            links,
            anchors,
            search,
        } = output;
        let written = staging.write(&file, &html);
        written.map_err(io_error(&staging.dir().join(&file)))?;
        let search = match (page, search, indexer) {
            (Page::Article(l, a), Some(entry), Some(indexer)) => {
                Some(Arc::new(index_article(indexer, l, a, &entry)))
            }
            _ => None,
        };
        Ok(Written {
            page,
            links,
            anchors,
            search,
        })
    };
    pages
        .par_iter()
        .map(|&page| match renderer.render(page) {
            Ok(output) => write(page, output).map(Some),
            Err(problems) => {
                problems.into_iter().for_each(|d| diagnostics.push(d));
                Ok(None)
            }
        })
        .inspect(|_| progress.iter().for_each(|p| p.page_done()))
        .collect()
}

/// Tokenizes a translated article for search: only a compact record is kept.
fn index_article(
    indexer: &search::Indexer,
    l: LangId,
    a: ArticleId,
    entry: &SearchEntry,
) -> search::Record {
    let filters = [
        ("audience", entry.audience.as_str()),
        ("category", entry.category_id.as_str()),
    ];
    let headings: Vec<search::Heading<'_>> = entry
        .headings
        .iter()
        .map(|h| search::Heading {
            level: h.level,
            id: &h.id,
            text: &h.text,
            offset: h.offset,
        })
        .collect();
    indexer.page(
        l.into(),
        &search::Document {
            key: a.into(),
            url: &entry.url,
            title: &entry.title,
            summary: &entry.summary,
            text: &entry.text,
            category: &entry.category,
            filters: &filters,
            headings: &headings,
        },
    )
}

/// Each language's search bundle (`/<lang>/pagefind/`) from the records of its articles, in order.
fn write_search_bundles(
    site: &Site,
    outputs: &[Option<Written>],
    staging: &Staging,
) -> Result<(), BuildError> {
    let codes: Vec<&str> = site.languages.iter().map(|l| l.code.as_str()).collect();
    // Loaded once for all languages: the jobs find it loaded.
    search::Runtime::load(&codes)?;
    let languages: Vec<LangId> = site.languages.keys().collect();
    languages.into_par_iter().try_for_each(|l| {
        let files = incremental::search_job(site, outputs, l).run()?;
        // In parallel too: five languages on two cores leave one idle for the last bundle.
        files.par_iter().try_for_each(|(file, bytes)| {
            staging
                .write(file, bytes)
                .map_err(io_error(&staging.dir().join(file)))
        })
    })
}

/// The links of every page written, checked: their problems go to `diagnostics` and, per page
/// (in the order of `outputs`), to the quick path with the targets they were checked against.
fn check_links(
    site: &Site,
    pages: &[Page],
    outputs: &[Option<Written>],
    diagnostics: &Diagnostics,
) -> (links::Targets, Vec<Vec<Diagnostic>>) {
    let anchors: Vec<links::Anchors<'_>> = (outputs.iter().flatten())
        .filter_map(|w| w.anchors.as_ref())
        .map(|(l, a, ids)| (*l, *a, ids.as_slice()))
        .collect();
    let targets = links::Targets::new(site, pages, &anchors);
    let problems: Vec<Vec<Diagnostic>> = outputs
        .par_iter()
        .map(|w| {
            w.as_ref()
                .map_or_else(Vec::new, |w| targets.check(site, w.page, &w.links))
        })
        .collect();
    problems
        .iter()
        .flatten()
        .for_each(|d| diagnostics.push(d.clone()));
    (targets, problems)
}

fn report_untranslated(site: &Site, diagnostics: &Diagnostics) {
    for (l, lang) in site.languages.iter_enumerated() {
        let missing = site
            .articles
            .keys()
            .filter(|&a| !site.is_translated(l, a))
            .count();
        if missing > 0 {
            let folder = site.content_dir.join(&lang.code);
            diagnostics.push(Diagnostic::warning(folder, None, format!("{missing} of {} articles are not translated into `{}`; their pages show the {} text with a notice", site.articles.len(), lang.code, site.config.default_language), "translate them by copying the default language's files to the same paths"));
        }
    }
}

fn report_redirect_limit(site: &Site, diagnostics: &Diagnostics) {
    let n = site.aliases.len();
    if n > redirects::CLOUDFLARE_LIMIT {
        let config = site.content_dir.join(crate::config::CONFIG_FILE);
        diagnostics.push(Diagnostic::warning(config, None, format!("{n} aliases: Cloudflare Pages applies only the first {} lines of {REDIRECTS_FILE}", redirects::CLOUDFLARE_LIMIT), "the pages at the old paths still send visitors on; remove aliases nobody uses any more"));
    }
}

/// The pages at old paths: they name the article's title.
fn write_alias_pages<'a>(
    site: &Site,
    renderer: &Renderer<'_>,
    aliases: impl IntoIterator<Item = &'a Alias>,
    staging: &Staging,
) -> Result<(), BuildError> {
    for alias in aliases {
        let html = (renderer.redirect(alias)).map_err(|d| BuildError::Content(vec![d]))?;
        let file = urls::output_file(&site.alias_url(alias), site.base());
        staging
            .write(&file, html.as_bytes())
            .map_err(io_error(&staging.dir().join(&file)))?;
    }
    Ok(())
}

/// Sitemap, robots.txt, the ticket contract, the headers file, old paths' pages and `_redirects`.
fn write_site_files(
    site: &Site,
    renderer: &Renderer<'_>,
    pages: &[Page],
    staging: &Staging,
) -> Result<(), BuildError> {
    let write = |rel: &str, bytes: &[u8]| {
        staging
            .write(rel, bytes)
            .map_err(io_error(&staging.dir().join(rel)))
    };
    let content = |d: Diagnostic| BuildError::Content(vec![d]);
    write(SITEMAP_FILE, sitemap::sitemap_xml(site, pages).as_bytes())?;
    write(ROBOTS_FILE, renderer.robots().map_err(content)?.as_bytes())?;
    write(CONTRACT_FILE, site.contract.to_json().as_bytes())?;
    write(
        headers::HEADERS_FILE,
        headers::headers_file(site).as_bytes(),
    )?;
    if !site.aliases.is_empty() {
        write(REDIRECTS_FILE, redirects::redirects_file(site).as_bytes())?;
    }
    write_alias_pages(site, renderer, &site.aliases, staging)
}

/// The content's static files, copied as they are.
fn copy_static_files(site: &Site, staging: &Staging) -> Result<(), BuildError> {
    let static_dir = site.content_dir.join(load::STATIC_DIR);
    for file in &site.static_files {
        let from = static_dir.join(file);
        staging
            .copy(&from, &file.to_string_lossy())
            .map_err(io_error(&from))?;
    }
    Ok(())
}
