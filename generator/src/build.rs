//! The pipeline: `content/` → load → model → render → write `public/`. Pages are rendered and
//! written in parallel as they are made (nothing holds the whole site's HTML), links are checked
//! once every page is known, and the staged output replaces the old site only when there were no
//! errors.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use ticket_function::contract::CONTRACT_FILE;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::SiteLink;
use crate::model::Site;
use crate::render::{Output, Page, Renderer, SearchEntry};
use crate::search;
use crate::sitemap;
use crate::write::{hashed_name, Staged, Staging};
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
    #[error("cannot make the search index: {0}")]
    Search(#[from] search::SearchError),
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> BuildError + '_ {
    move |source| BuildError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Theme files whose names get a content hash: the templates refer to them through `assets`.
const HASHED_ASSETS: &[&str] = &["css", "js"];

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
pub type Inspect<'a> = &'a dyn Fn(&Site, &[&(PathBuf, SiteLink)], &Diagnostics);

/// What callers other than [`build`] plug into [`run`].
#[derive(Default)]
pub struct Hooks<'a> {
    pub progress: Option<&'a dyn Progress>,
    pub inspect: Option<Inspect<'a>>,
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
    hooks: &Hooks,
) -> Result<(BuildReport, Staged), BuildError> {
    let started = Instant::now();
    let diagnostics = Diagnostics::default();
    hooks.step(Step::Load);
    let mut source = load::load(&options.content_dir, &diagnostics).map_err(BuildError::Content)?;
    if let Some(base_url) = &options.base_url {
        source.config.base_url = base_url.trim_end_matches('/').to_string();
    }
    if let Some(endpoint) = &options.ticket_endpoint {
        source.config.ticket.endpoint = endpoint.clone();
    }
    hooks.step(Step::Model);
    let Some(site) = Site::build(source, &diagnostics) else {
        return Err(BuildError::Content(diagnostics.into_sorted()));
    };
    let codes: Vec<&str> = site.languages.iter().map(|l| l.code.as_str()).collect();
    let strings = i18n::load(&options.site_dir, &codes, &diagnostics);

    let assets = copy_theme_assets(&options.site_dir, &site, &staging)?;
    let renderer = match Renderer::new(&site, &options.site_dir, strings, assets) {
        Ok(renderer) => renderer,
        Err(d) => {
            diagnostics.push(d);
            return Err(BuildError::Content(diagnostics.into_sorted()));
        }
    };
    let pages = renderer.pages();
    hooks.step(Step::Render { pages: pages.len() });
    let indexer = search::Indexer::new(&codes);
    let outputs = render_all(
        &renderer,
        &indexer,
        &pages,
        &staging,
        &diagnostics,
        hooks.progress,
    )?;
    check_links(&site, &renderer, &pages, &outputs, &diagnostics);
    if let Some(inspect) = hooks.inspect {
        let links: Vec<&(PathBuf, SiteLink)> =
            outputs.iter().flatten().flat_map(|w| &w.links).collect();
        inspect(&site, &links, &diagnostics);
    }
    report_untranslated(&site, &diagnostics);
    if diagnostics.has_errors() {
        return Err(BuildError::Content(diagnostics.into_sorted()));
    }
    hooks.step(Step::Write);
    write_site_files(&site, &renderer, &pages, outputs, &staging)?;
    let staged = staging.commit().map_err(io_error(&options.out_dir))?;

    let per_language = |count: &dyn Fn(usize) -> usize| {
        site.languages
            .iter()
            .enumerate()
            .map(|(l, lang)| (lang.code.clone(), count(l)))
            .collect()
    };
    let pages_in = |l: usize| {
        pages
            .iter()
            .filter(|p| page_language(**p) == Some(l))
            .count()
    };
    let untranslated_in = |l: usize| {
        (0..site.articles.len())
            .filter(|&a| !site.is_translated(l, a))
            .count()
    };
    let report = BuildReport {
        pages: pages.len(),
        pages_per_language: per_language(&pages_in),
        untranslated: per_language(&untranslated_in),
        warnings: diagnostics.into_sorted(),
        elapsed: started.elapsed(),
    };
    Ok((report, staged))
}

fn page_language(page: Page) -> Option<usize> {
    match page {
        Page::Root | Page::RootNotFound => None,
        Page::Home(l)
        | Page::NotFound(l)
        | Page::Contact(l)
        | Page::Thanks(l)
        | Page::Search(l) => Some(l),
        Page::Section(l, _) | Page::Category(l, _) | Page::Article(l, _) => Some(l),
    }
}

/// What the build keeps of a page once it is written.
struct Written {
    links: Vec<(PathBuf, crate::markdown::SiteLink)>,
    anchors: Option<(usize, usize, Vec<String>)>,
    search: Option<search::Record>,
}

/// Renders and writes every page in parallel; the HTML is dropped as soon as it is on disk.
fn render_all(
    renderer: &Renderer,
    indexer: &search::Indexer,
    pages: &[Page],
    staging: &Staging,
    diagnostics: &Diagnostics,
    progress: Option<&dyn Progress>,
) -> Result<Vec<Option<Written>>, BuildError> {
    pages
        .par_iter()
        .map(|&page| match renderer.render(page) {
            Ok(Output {
                file,
                html,
                links,
                anchors,
                search,
            }) => {
                staging
                    .write(&file, html.as_bytes())
                    .map_err(io_error(&staging.dir().join(&file)))?;
                let search = match (page, search) {
                    (Page::Article(l, a), Some(entry)) => {
                        Some(index_article(indexer, l, a, &entry))
                    }
                    _ => None,
                };
                Ok(Some(Written {
                    links,
                    anchors,
                    search,
                }))
            }
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
    l: usize,
    a: usize,
    entry: &SearchEntry,
) -> search::Record {
    let filters = [
        ("audience", entry.audience.as_str()),
        ("category", entry.category_id.as_str()),
    ];
    indexer.page(
        l,
        &search::Document {
            key: a,
            url: &entry.url,
            title: &entry.title,
            summary: &entry.summary,
            text: &entry.text,
            category: &entry.category,
            filters: &filters,
        },
    )
}

/// Each language's search bundle (`/<lang>/pagefind/`) from the records of its articles, in order.
fn write_search_bundles(
    site: &Site,
    pages: &[Page],
    outputs: &[Option<Written>],
    staging: &Staging,
) -> Result<(), BuildError> {
    let codes: Vec<&str> = site.languages.iter().map(|l| l.code.as_str()).collect();
    let runtime = search::Runtime::load(&codes)?;
    (0..codes.len()).into_par_iter().try_for_each(|l| {
        let records =
            pages
                .iter()
                .zip(outputs)
                .filter_map(|(page, written)| match (page, written) {
                    (
                        Page::Article(x, _),
                        Some(Written {
                            search: Some(record),
                            ..
                        }),
                    ) if *x == l => Some(record),
                    _ => None,
                });
        let bundle = search::write_bundle(codes[l], records, &runtime);
        let dir = search::bundle_dir(codes[l]);
        bundle.files.iter().try_for_each(|(name, bytes)| {
            let file = format!("{dir}/{name}");
            staging
                .write(&file, bytes)
                .map_err(io_error(&staging.dir().join(&file)))
        })
    })
}

/// Every site link written in Markdown must reach a page (and its heading, for `#anchor`s) or a
/// file; links to missing files are warnings (the page still works), to missing pages errors.
fn check_links(
    site: &Site,
    renderer: &Renderer,
    pages: &[Page],
    outputs: &[Option<Written>],
    diagnostics: &Diagnostics,
) {
    let urls: HashSet<String> = pages.iter().map(|&p| renderer.url(p)).collect();
    let anchors: HashMap<String, HashSet<&str>> = outputs
        .iter()
        .flatten()
        .filter_map(|w| w.anchors.as_ref())
        .map(|(l, a, ids)| {
            (
                site.article_url(*l, *a),
                ids.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    let files: HashSet<String> = site
        .static_files
        .iter()
        .map(|f| format!("{}/{}", site.base(), f.to_string_lossy().replace('\\', "/")))
        .collect();
    for (page, written) in pages.iter().zip(outputs) {
        let Some(written) = written else { continue };
        let own_url = renderer.url(*page);
        for (file, link) in &written.links {
            let url = if link.url.is_empty() {
                own_url.clone()
            } else {
                link.url.clone()
            };
            if link.is_file || files.contains(&url) {
                if !files.contains(&url) {
                    diagnostics.push(Diagnostic::warning(
                        file,
                        Some(link.line),
                        format!(
                            "missing file: `{url}` is not in content/{}/",
                            load::STATIC_DIR
                        ),
                        "add the file under content/static/ or fix the path",
                    ));
                }
                continue;
            }
            let page_url = if urls.contains(&url) {
                url.clone()
            } else {
                format!(
                    "{}/",
                    url.trim_end_matches("index.html").trim_end_matches('/')
                )
            };
            if !urls.contains(&page_url) && !is_generated_file(site, &url) {
                diagnostics.push(Diagnostic::error(file, Some(link.line), format!("broken link: no page at `{url}`"), "link to an existing page; for articles prefer their `.md` path relative to this file"));
                continue;
            }
            if let (Some(anchor), Some(ids)) = (&link.anchor, anchors.get(&page_url)) {
                if !ids.contains(anchor.as_str()) {
                    let mut known: Vec<&&str> = ids.iter().collect();
                    known.sort();
                    let known = known
                        .iter()
                        .take(12)
                        .map(|s| format!("#{s}"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    diagnostics.push(Diagnostic::error(
                        file,
                        Some(link.line),
                        format!("broken link: `{url}` has no heading `#{anchor}`"),
                        format!("link to one of its headings: {known}"),
                    ));
                }
            }
        }
    }
}

fn is_generated_file(site: &Site, url: &str) -> bool {
    let rel = url.strip_prefix(site.base()).unwrap_or(url);
    ["/sitemap.xml", "/robots.txt", &format!("/{CONTRACT_FILE}")].contains(&rel)
        || rel.contains(&format!("/{}/", search::BUNDLE_DIR))
}

fn report_untranslated(site: &Site, diagnostics: &Diagnostics) {
    for (l, lang) in site.languages.iter().enumerate() {
        let missing = (0..site.articles.len())
            .filter(|&a| !site.is_translated(l, a))
            .count();
        if missing > 0 {
            let folder = site.content_dir.join(&lang.code);
            diagnostics.push(Diagnostic::warning(folder, None, format!("{missing} of {} articles are not translated into `{}`; their pages show the {} text with a notice", site.articles.len(), lang.code, site.config.default_language), "translate them by copying the default language's files to the same paths"));
        }
    }
}

/// Copies the theme's `static/` files; CSS and JS get content-hashed names.
fn copy_theme_assets(
    site_dir: &Path,
    site: &Site,
    staging: &Staging,
) -> Result<BTreeMap<String, String>, BuildError> {
    let dir = site_dir.join("static");
    let mut assets = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&dir)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        let rel = entry
            .path()
            .strip_prefix(&dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = std::fs::read(entry.path()).map_err(io_error(entry.path()))?;
        let ext = rel.rsplit('.').next().unwrap_or("");
        let name = if HASHED_ASSETS.contains(&ext) {
            hashed_name(&rel, &bytes)
        } else {
            rel.clone()
        };
        let file = format!("assets/{name}");
        staging
            .write(&file, &bytes)
            .map_err(io_error(&staging.dir().join(&file)))?;
        assets.insert(
            rel.replace(['.', '/', '-'], "_"),
            format!("{}/{file}", site.base()),
        );
    }
    Ok(assets)
}

/// Sitemap, robots.txt, the ticket contract, search indexes and the content's static files.
fn write_site_files(
    site: &Site,
    renderer: &Renderer,
    pages: &[Page],
    outputs: Vec<Option<Written>>,
    staging: &Staging,
) -> Result<(), BuildError> {
    let write = |rel: &str, bytes: &[u8]| {
        staging
            .write(rel, bytes)
            .map_err(io_error(&staging.dir().join(rel)))
    };
    let entries: Vec<sitemap::Entry> = pages
        .iter()
        .filter_map(|&page| {
            let alternates = renderer.canonical_alternates(page)?;
            let alternates = alternates
                .into_iter()
                .map(|(l, p)| {
                    (
                        site.languages[l].code.clone(),
                        site.absolute(&renderer.url(p)),
                    )
                })
                .collect();
            Some(sitemap::Entry {
                url: site.absolute(&renderer.url(page)),
                alternates,
            })
        })
        .collect();
    let sitemap_url = site.absolute(&format!("{}/sitemap.xml", site.base()));
    write("sitemap.xml", sitemap::sitemap(&entries).as_bytes())?;
    write("robots.txt", sitemap::robots(&sitemap_url).as_bytes())?;
    write(CONTRACT_FILE, site.contract.to_json().as_bytes())?;

    write_search_bundles(site, pages, &outputs, staging)?;
    let static_dir = site.content_dir.join(load::STATIC_DIR);
    for file in &site.static_files {
        let from = static_dir.join(file);
        staging
            .copy(&from, &file.to_string_lossy())
            .map_err(io_error(&from))?;
    }
    Ok(())
}
