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
use crate::model::Site;
use crate::render::{Output, Page, Renderer, SearchEntry};
use crate::sitemap;
use crate::write::{hashed_name, Staging};
use crate::{i18n, load};

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub content_dir: PathBuf,
    pub site_dir: PathBuf,
    pub out_dir: PathBuf,
    /// Replaces `base_url` of the settings (e.g. `http://127.0.0.1:8000` when serving locally).
    pub base_url: Option<String>,
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
    Io { path: PathBuf, source: std::io::Error },
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> BuildError + '_ {
    move |source| BuildError::Io { path: path.to_path_buf(), source }
}

/// Theme files whose names get a content hash: the templates refer to them through `assets`.
const HASHED_ASSETS: &[&str] = &["css", "js"];

pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildError> {
    let started = Instant::now();
    let diagnostics = Diagnostics::default();
    let mut source = load::load(&options.content_dir, &diagnostics).map_err(BuildError::Content)?;
    if let Some(base_url) = &options.base_url {
        source.config.base_url = base_url.trim_end_matches('/').to_string();
    }
    let Some(site) = Site::build(source, &diagnostics) else {
        return Err(BuildError::Content(diagnostics.into_sorted()));
    };
    let codes: Vec<&str> = site.languages.iter().map(|l| l.code.as_str()).collect();
    let strings = i18n::load(&options.site_dir, &codes, &diagnostics);

    let staging = Staging::begin(&options.out_dir).map_err(io_error(&options.out_dir))?;
    let assets = copy_theme_assets(&options.site_dir, &site, &staging)?;
    let renderer = match Renderer::new(&site, &options.site_dir, strings, assets) {
        Ok(renderer) => renderer,
        Err(d) => {
            diagnostics.push(d);
            return Err(BuildError::Content(diagnostics.into_sorted()));
        }
    };
    let pages = renderer.pages();
    let outputs = render_all(&renderer, &pages, &staging, &diagnostics)?;
    check_links(&site, &renderer, &pages, &outputs, &diagnostics);
    report_untranslated(&site, &diagnostics);
    if diagnostics.has_errors() {
        return Err(BuildError::Content(diagnostics.into_sorted()));
    }
    write_site_files(&site, &renderer, &pages, outputs, &staging)?;
    staging.commit().map_err(io_error(&options.out_dir))?;

    let per_language = |count: &dyn Fn(usize) -> usize| site.languages.iter().enumerate().map(|(l, lang)| (lang.code.clone(), count(l))).collect();
    let pages_in = |l: usize| pages.iter().filter(|p| page_language(**p) == Some(l)).count();
    let untranslated_in = |l: usize| (0..site.articles.len()).filter(|&a| !site.is_translated(l, a)).count();
    Ok(BuildReport {
        pages: pages.len(),
        pages_per_language: per_language(&pages_in),
        untranslated: per_language(&untranslated_in),
        warnings: diagnostics.into_sorted(),
        elapsed: started.elapsed(),
    })
}

fn page_language(page: Page) -> Option<usize> {
    match page {
        Page::Root | Page::RootNotFound => None,
        Page::Home(l) | Page::NotFound(l) | Page::Contact(l) | Page::Thanks(l) | Page::Search(l) => Some(l),
        Page::Section(l, _) | Page::Category(l, _) | Page::Article(l, _) => Some(l),
    }
}

/// What the build keeps of a page once it is written.
struct Written {
    links: Vec<(PathBuf, crate::markdown::SiteLink)>,
    anchors: Option<(usize, usize, Vec<String>)>,
    search: Option<SearchEntry>,
}

/// Renders and writes every page in parallel; the HTML is dropped as soon as it is on disk.
fn render_all(renderer: &Renderer, pages: &[Page], staging: &Staging, diagnostics: &Diagnostics) -> Result<Vec<Option<Written>>, BuildError> {
    pages
        .par_iter()
        .map(|&page| match renderer.render(page) {
            Ok(Output { file, html, links, anchors, search }) => {
                staging.write(&file, html.as_bytes()).map_err(io_error(&staging.dir().join(&file)))?;
                Ok(Some(Written { links, anchors, search }))
            }
            Err(problems) => {
                problems.into_iter().for_each(|d| diagnostics.push(d));
                Ok(None)
            }
        })
        .collect()
}

/// Every site link written in Markdown must reach a page (and its heading, for `#anchor`s) or a
/// file; links to missing files are warnings (the page still works), to missing pages errors.
fn check_links(site: &Site, renderer: &Renderer, pages: &[Page], outputs: &[Option<Written>], diagnostics: &Diagnostics) {
    let urls: HashSet<String> = pages.iter().map(|&p| renderer.url(p)).collect();
    let anchors: HashMap<String, HashSet<&str>> = outputs
        .iter()
        .flatten()
        .filter_map(|w| w.anchors.as_ref())
        .map(|(l, a, ids)| (site.article_url(*l, *a), ids.iter().map(String::as_str).collect()))
        .collect();
    let files: HashSet<String> = site.static_files.iter().map(|f| format!("{}/{}", site.base(), f.to_string_lossy().replace('\\', "/"))).collect();
    for (page, written) in pages.iter().zip(outputs) {
        let Some(written) = written else { continue };
        let own_url = renderer.url(*page);
        for (file, link) in &written.links {
            let url = if link.url.is_empty() { own_url.clone() } else { link.url.clone() };
            if link.is_file || files.contains(&url) {
                if !files.contains(&url) {
                    diagnostics.push(Diagnostic::warning(file, Some(link.line), format!("missing file: `{url}` is not in content/{}/", load::STATIC_DIR), "add the file under content/static/ or fix the path"));
                }
                continue;
            }
            let page_url = if urls.contains(&url) { url.clone() } else { format!("{}/", url.trim_end_matches("index.html").trim_end_matches('/')) };
            if !urls.contains(&page_url) && !is_generated_file(site, &url) {
                diagnostics.push(Diagnostic::error(file, Some(link.line), format!("broken link: no page at `{url}`"), "link to an existing page; for articles prefer their `.md` path relative to this file"));
                continue;
            }
            if let (Some(anchor), Some(ids)) = (&link.anchor, anchors.get(&page_url)) {
                if !ids.contains(anchor.as_str()) {
                    let mut known: Vec<&&str> = ids.iter().collect();
                    known.sort();
                    let known = known.iter().take(12).map(|s| format!("#{s}")).collect::<Vec<_>>().join(", ");
                    diagnostics.push(Diagnostic::error(file, Some(link.line), format!("broken link: `{url}` has no heading `#{anchor}`"), format!("link to one of its headings: {known}")));
                }
            }
        }
    }
}

fn is_generated_file(site: &Site, url: &str) -> bool {
    let rel = url.strip_prefix(site.base()).unwrap_or(url);
    ["/sitemap.xml", "/robots.txt", &format!("/{CONTRACT_FILE}")].contains(&rel) || rel.ends_with("/search-index.json")
}

fn report_untranslated(site: &Site, diagnostics: &Diagnostics) {
    for (l, lang) in site.languages.iter().enumerate() {
        let missing = (0..site.articles.len()).filter(|&a| !site.is_translated(l, a)).count();
        if missing > 0 {
            let folder = site.content_dir.join(&lang.code);
            diagnostics.push(Diagnostic::warning(folder, None, format!("{missing} of {} articles are not translated into `{}`; their pages show the {} text with a notice", site.articles.len(), lang.code, site.config.default_language), "translate them by copying the default language's files to the same paths"));
        }
    }
}

/// Copies the theme's `static/` files; CSS and JS get content-hashed names.
fn copy_theme_assets(site_dir: &Path, site: &Site, staging: &Staging) -> Result<BTreeMap<String, String>, BuildError> {
    let dir = site_dir.join("static");
    let mut assets = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&dir).min_depth(1).sort_by_file_name().into_iter().filter_map(Result::ok).filter(|e| e.file_type().is_file()) {
        let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
        let bytes = std::fs::read(entry.path()).map_err(io_error(entry.path()))?;
        let ext = rel.rsplit('.').next().unwrap_or("");
        let name = if HASHED_ASSETS.contains(&ext) { hashed_name(&rel, &bytes) } else { rel.clone() };
        let file = format!("assets/{name}");
        staging.write(&file, &bytes).map_err(io_error(&staging.dir().join(&file)))?;
        assets.insert(rel.replace(['.', '/', '-'], "_"), format!("{}/{file}", site.base()));
    }
    Ok(assets)
}

/// Sitemap, robots.txt, the ticket contract, search indexes and the content's static files.
fn write_site_files(site: &Site, renderer: &Renderer, pages: &[Page], outputs: Vec<Option<Written>>, staging: &Staging) -> Result<(), BuildError> {
    let write = |rel: &str, bytes: &[u8]| staging.write(rel, bytes).map_err(io_error(&staging.dir().join(rel)));
    let entries: Vec<sitemap::Entry> = pages
        .iter()
        .filter_map(|&page| {
            let alternates = renderer.canonical_alternates(page)?;
            let alternates = alternates.into_iter().map(|(l, p)| (site.languages[l].code.clone(), site.absolute(&renderer.url(p)))).collect();
            Some(sitemap::Entry { url: site.absolute(&renderer.url(page)), alternates })
        })
        .collect();
    let sitemap_url = site.absolute(&format!("{}/sitemap.xml", site.base()));
    write("sitemap.xml", sitemap::sitemap(&entries).as_bytes())?;
    write("robots.txt", sitemap::robots(&sitemap_url).as_bytes())?;
    write(CONTRACT_FILE, site.contract.to_json().as_bytes())?;

    let mut search: Vec<Vec<SearchEntry>> = vec![Vec::new(); site.languages.len()];
    for (page, written) in pages.iter().zip(outputs) {
        if let (Page::Article(l, _), Some(Written { search: Some(entry), .. })) = (page, written) {
            search[*l].push(entry);
        }
    }
    for (l, entries) in search.iter().enumerate() {
        let json = serde_json::to_vec(entries).expect("search entries are plain data");
        write(&format!("{}/search-index.json", site.languages[l].code), &json)?;
    }
    let static_dir = site.content_dir.join(load::STATIC_DIR);
    for file in &site.static_files {
        let from = static_dir.join(file);
        staging.copy(&from, &file.to_string_lossy()).map_err(io_error(&from))?;
    }
    Ok(())
}
