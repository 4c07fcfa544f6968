//! Step 1, load: walks `content/`, reads every file once and parses its front matter. Knows the
//! folder layout; knows nothing of URLs or pages (that is the model's job).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use walkdir::WalkDir;

use crate::config::{Config, CONFIG_FILE};
use crate::diagnostics::{line_of, Diagnostic, Diagnostics};
use crate::frontmatter::{self, KeyLines};
use crate::history::{self, ContentHistory};

mod snippets;

pub use snippets::{Origins, Snippet, SNIPPETS_DIR};

pub const INDEX_FILE: &str = "_index.md";
pub const CONTACT_FILE: &str = "contact.md";
/// Files copied to the root of the site as they are.
pub const STATIC_DIR: &str = "static";

// Every `title` is checked by `frontmatter::title`: never empty.

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleMeta {
    #[serde(deserialize_with = "frontmatter::title")]
    pub title: String,
    pub summary: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub order: Option<i64>,
    #[serde(default, deserialize_with = "frontmatter::date")]
    pub updated: Option<Date>,
    #[serde(default)]
    pub draft: bool,
    /// One URL segment ([`frontmatter::SLUG_RULE`]).
    #[serde(default, deserialize_with = "frontmatter::slug")]
    pub slug: Option<String>,
    /// Old paths of the article under its language ([`frontmatter::ALIAS_RULE`]): each gets a
    /// page that sends visitors here.
    #[serde(default, deserialize_with = "frontmatter::aliases")]
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexMeta {
    #[serde(deserialize_with = "frontmatter::title")]
    pub title: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryMeta {
    #[serde(deserialize_with = "frontmatter::title")]
    pub title: String,
    pub description: Option<String>,
    pub order: Option<i64>,
    pub queue: Option<String>,
    #[serde(default)]
    pub subcategories: Vec<SubcategoryMeta>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubcategoryMeta {
    pub id: String,
    #[serde(deserialize_with = "frontmatter::title")]
    pub title: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactMeta {
    #[serde(deserialize_with = "frontmatter::title")]
    pub title: String,
    pub description: Option<String>,
    #[serde(default)]
    pub departments: BTreeMap<String, DepartmentText>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepartmentText {
    #[serde(deserialize_with = "frontmatter::title")]
    pub title: String,
    pub description: Option<String>,
}

/// One Markdown file: where it is, its front matter and its body.
#[derive(Debug, Clone)]
pub struct Doc<M> {
    pub path: PathBuf,
    pub meta: M,
    /// The Markdown, with its snippets put in.
    pub body: String,
    /// Where each line of `body` was written (this file from the line after the front matter,
    /// or a snippet's).
    pub origins: Origins,
    /// The snippet files `body` includes.
    pub includes: Vec<PathBuf>,
    /// The line of each front matter key, for problems found after loading.
    pub lines: KeyLines,
    /// The front matter did not parse (that error is reported): `meta` holds placeholders so
    /// that the file still exists — links to it and its translations are not reported too — and
    /// nothing is checked against those placeholders.
    pub unparsed: bool,
}

/// Front matter of one kind of page.
pub trait Meta: DeserializeOwned + Default {
    /// Stands in for front matter that did not parse.
    fn placeholder(title: String) -> Self;
}

macro_rules! placeholder_with_title {
    ($($meta:ty),*) => {$(
        impl Meta for $meta {
            fn placeholder(title: String) -> Self {
                Self { title, ..Self::default() }
            }
        }
    )*};
}

placeholder_with_title!(ArticleMeta, IndexMeta, CategoryMeta, ContactMeta);

/// Key of an article: audience, category, file stem. The same key in two languages is the same
/// article translated.
pub type ArticleKey = (String, String, String);

/// Everything one language folder holds.
#[derive(Debug, Default)]
pub struct LangSource {
    pub home: Option<Doc<IndexMeta>>,
    pub contact: Option<Doc<ContactMeta>>,
    pub audiences: BTreeMap<String, Doc<IndexMeta>>,
    pub categories: BTreeMap<(String, String), Doc<CategoryMeta>>,
    pub articles: BTreeMap<ArticleKey, Doc<ArticleMeta>>,
    /// By name (the file's stem).
    pub snippets: BTreeMap<String, Snippet>,
}

/// The whole content folder, read.
#[derive(Debug)]
pub struct Source {
    pub content_dir: PathBuf,
    pub config: Config,
    /// Per language code, for every configured language (empty when its folder is missing).
    pub languages: BTreeMap<String, LangSource>,
    /// Files under `content/static/`, relative to it.
    pub static_files: Vec<PathBuf>,
    /// Every snippet file, and whether any page includes it.
    pub snippets: Vec<(PathBuf, bool)>,
    /// Which commits changed which files, where `content_dir` is in a git repository.
    pub history: ContentHistory,
}

/// What a Markdown file is, from where it sits.
enum Place {
    Home(String),
    Contact(String),
    Audience(String, String),
    Category(String, String, String),
    Article(String, ArticleKey),
    Snippet(String, String),
}

/// Reads `content_dir`. Problems go to `diagnostics`; a file with a problem is left out.
pub fn load(content_dir: &Path, diagnostics: &Diagnostics) -> Result<Source, Vec<Diagnostic>> {
    let config = Config::load(content_dir)?;
    // `git log` runs while the files are read.
    std::thread::scope(|s| {
        let history = s.spawn(|| history::read(content_dir));
        let source = read_all(content_dir, config, diagnostics);
        let history = history.join().unwrap_or_else(|_| {
            ContentHistory::Unreadable("reading it stopped unexpectedly".into())
        });
        Ok(Source { history, ..source })
    })
}

/// Every file of the content folder, read and split (without its history).
fn read_all(content_dir: &Path, config: Config, diagnostics: &Diagnostics) -> Source {
    let mut places = Vec::new();
    let mut static_files = Vec::new();
    for entry in WalkDir::new(content_dir).min_depth(1).sort_by_file_name() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().unwrap_or(content_dir).to_path_buf();
                diagnostics.push(Diagnostic::error(
                    path,
                    None,
                    format!("cannot read: {e}"),
                    "check the file's permissions",
                ));
                continue;
            }
        };
        let rel = entry
            .path()
            .strip_prefix(content_dir)
            .unwrap_or(entry.path());
        if entry.file_type().is_dir() {
            check_folder(rel, entry.path(), &config, diagnostics);
            continue;
        }
        match classify(rel, &config) {
            Ok(Some(place)) => places.push((entry.path().to_path_buf(), place)),
            Ok(None) if rel.starts_with(STATIC_DIR) => {
                static_files.push(rel.strip_prefix(STATIC_DIR).unwrap_or(rel).to_path_buf())
            }
            Ok(None) => {}
            Err(d) => diagnostics.push(Diagnostic::error(entry.path(), None, d.0, d.1)),
        }
    }
    let docs: Vec<(Place, RawDoc)> = places
        .into_par_iter()
        .map(|(path, place)| {
            // A snippet is Markdown only, without front matter.
            let front_matter = !matches!(place, Place::Snippet(..));
            (place, read(path, front_matter, diagnostics))
        })
        .collect();
    let mut languages: BTreeMap<String, LangSource> = config
        .languages
        .iter()
        .map(|l| (l.code.clone(), LangSource::default()))
        .collect();
    for (place, raw) in docs {
        insert(&mut languages, place, raw, diagnostics);
    }
    let snippets = snippets::expand_all(&mut languages, content_dir, &config, diagnostics);
    Source {
        content_dir: content_dir.to_path_buf(),
        config,
        languages,
        static_files,
        snippets,
        history: ContentHistory::NoRepository,
    }
}

/// Folders must be configured languages, audiences, or (checked by the model) categories.
fn check_folder(rel: &Path, path: &Path, config: &Config, diagnostics: &Diagnostics) {
    let parts: Vec<&str> = rel.iter().filter_map(|p| p.to_str()).collect();
    if parts.first() == Some(&STATIC_DIR) {
        return;
    }
    let allowed: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
    match parts.as_slice() {
        [lang, SNIPPETS_DIR] if allowed.contains(lang) => {}
        [lang, SNIPPETS_DIR, _, ..] if allowed.contains(lang) => diagnostics.push(Diagnostic::error(
            path,
            None,
            "folders inside a snippets folder are not part of the help center",
            format!("snippets sit directly in {lang}/{SNIPPETS_DIR}/ and are included by their file name, without a slash"),
        )),
        [lang] if !allowed.contains(lang) => diagnostics.push(Diagnostic::error(
            path,
            None,
            format!("unknown language folder `{lang}`"),
            format!(
                "add `{lang}` to `languages` in {CONFIG_FILE}, or rename the folder to one of: {}",
                allowed.join(", ")
            ),
        )),
        [lang, audience]
            if allowed.contains(lang) && !config.audiences.contains(&audience.to_string()) =>
        {
            diagnostics.push(Diagnostic::error(
                path,
                None,
                format!("unknown audience folder `{audience}`"),
                format!(
                    "add `{audience}` to `audiences` in {CONFIG_FILE}, or move it into one of: {}",
                    config.audiences.join(", ")
                ),
            ))
        }
        [_, _, _, _, ..] if allowed.contains(&parts[0]) => diagnostics.push(Diagnostic::error(
            path,
            None,
            "folders inside a category folder are not part of the help center",
            "articles sit directly in their category folder; put images in content/static/",
        )),
        _ => {}
    }
}

/// The language and key of the article a file of the content folder (`rel`, relative to it) is,
/// by the same layout rules as loading; `None` for any other file.
pub fn article_at(rel: &Path, config: &Config) -> Option<(String, ArticleKey)> {
    match classify(rel, config) {
        Ok(Some(Place::Article(lang, key))) => Some((lang, key)),
        _ => None,
    }
}

/// An article file of language `code` read again on its own (`serve`'s quick path), with its
/// snippets put in as loading does; `None` when reading it finds any problem (the full build
/// then reports it).
pub fn reread_article(
    content_dir: &Path,
    config: &Config,
    code: &str,
    path: &Path,
) -> Option<Doc<ArticleMeta>> {
    let diagnostics = Diagnostics::default();
    let raw = read(path.to_path_buf(), true, &diagnostics);
    let mut doc: Doc<ArticleMeta> = parse(raw, &diagnostics);
    snippets::expand_one(&mut doc, content_dir, code, config, &diagnostics);
    diagnostics.is_empty().then_some(doc)
}

/// Where a file belongs, `None` for files that are not pages (static files, the settings), or
/// (message, hint) when it has no place.
fn classify(rel: &Path, config: &Config) -> Result<Option<Place>, (String, String)> {
    let parts: Vec<&str> = rel.iter().filter_map(|p| p.to_str()).collect();
    if parts.first() == Some(&STATIC_DIR) || parts == [CONFIG_FILE] {
        return Ok(None);
    }
    let known_lang = config
        .languages
        .iter()
        .any(|l| Some(&l.code.as_str()) == parts.first());
    let known_audience = |a: &str| config.audiences.iter().any(|x| x == a);
    if known_lang && parts.len() == 3 && parts[1] == SNIPPETS_DIR {
        let name = snippets::snippet_name(parts[2]).map_err(|problem| {
            (problem, "name a snippet file like `billing-contacts.md`: letters, digits, `-` and `_`, ending in .md".to_string())
        })?;
        return Ok(Some(Place::Snippet(parts[0].to_string(), name.to_string())));
    }
    if !known_lang || (parts.len() >= 3 && !known_audience(parts[1])) {
        return Ok(None); // its folder is reported once by check_folder
    }
    let Some(name) = parts.last().filter(|n| n.ends_with(".md")) else {
        return Err((
            "only Markdown files belong in a language folder".into(),
            "move images and other files to content/static/ and link them as /file-name".into(),
        ));
    };
    let s = |i: usize| parts[i].to_string();
    let stem = name.trim_end_matches(".md").to_string();
    Ok(Some(match (parts.len(), *name) {
        (2, INDEX_FILE) => Place::Home(s(0)),
        (2, CONTACT_FILE) => Place::Contact(s(0)),
        (3, INDEX_FILE) => Place::Audience(s(0), s(1)),
        (4, INDEX_FILE) => Place::Category(s(0), s(1), s(2)),
        (4, _) => Place::Article(s(0), (s(1), s(2), stem)),
        (2, _) => return Err((
            format!("`{name}` has no place at the top of a language folder"),
            format!("the top of a language folder holds only {INDEX_FILE} and {CONTACT_FILE}; articles go in <audience>/<category>/"),
        )),
        (3, _) => return Err((
            format!("`{name}` sits in an audience folder but outside any category"),
            "move the article into a category folder: <language>/<audience>/<category>/".into(),
        )),
        _ => return Ok(None), // nested too deep: reported by check_folder
    }))
}

/// A file split at its front matter, before the front matter is parsed into its kind's type.
struct RawDoc {
    path: PathBuf,
    /// `None` when there is none to parse (that is reported).
    yaml: Option<String>,
    body: String,
    body_line: usize,
}

/// Reads and splits a file. A file that cannot be read or split still exists: its problem is
/// reported and it becomes a page with placeholder front matter (and the whole text as body).
fn read(path: PathBuf, front_matter: bool, diagnostics: &Diagnostics) -> RawDoc {
    let Some(text) = read_text(&path, diagnostics) else {
        return RawDoc {
            path,
            yaml: None,
            body: String::new(),
            body_line: 1,
        };
    };
    if !front_matter {
        return RawDoc {
            path,
            yaml: None,
            body: text,
            body_line: 1,
        };
    }
    match frontmatter::split(&text, &path) {
        Ok(split) => RawDoc {
            yaml: Some(split.yaml.to_string()),
            body: split.body.to_string(),
            body_line: split.body_line,
            path,
        },
        Err(d) => {
            diagnostics.push(d);
            RawDoc {
                path,
                yaml: None,
                body: text,
                body_line: 1,
            }
        }
    }
}

/// The file's text. Bytes that are not UTF-8 are reported at their line and replaced, so that the
/// rest of the file (its headings, its links) still counts.
fn read_text(path: &Path, diagnostics: &Diagnostics) -> Option<String> {
    let error = |line, e: &dyn std::fmt::Display| {
        Diagnostic::error(
            path,
            line,
            format!("cannot read the file: {e}"),
            "save it as UTF-8 text",
        )
    };
    let bytes = std::fs::read(path)
        .map_err(|e| diagnostics.push(error(None, &e)))
        .ok()?;
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(e) => {
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            // Up to the first bad byte, the replaced text is the file's.
            let line = line_of(&text, e.utf8_error().valid_up_to());
            diagnostics.push(error(Some(line), &"stream did not contain valid UTF-8"));
            Some(text)
        }
    }
}

/// Parses the front matter into `M`; front matter that does not parse is reported and replaced
/// by placeholders.
fn parse<M: Meta>(raw: RawDoc, diagnostics: &Diagnostics) -> Doc<M> {
    let parsed = raw.yaml.and_then(|yaml| {
        frontmatter::parse_with_lines(&yaml, &raw.path, 2)
            .map_err(|d| diagnostics.push(d))
            .ok()
    });
    let unparsed = parsed.is_none();
    let (meta, lines) = parsed.unwrap_or_else(|| {
        (
            M::placeholder(placeholder_title(&raw.path)),
            KeyLines::default(),
        )
    });
    Doc {
        origins: Origins::file(&raw.path, raw.body_line),
        path: raw.path,
        meta,
        body: raw.body,
        includes: Vec::new(),
        lines,
        unparsed,
    }
}

/// The file's name, or its folder's for `_index.md`.
fn placeholder_title(path: &Path) -> String {
    let name = |p: &Path| p.file_stem().map(|n| n.to_string_lossy().into_owned());
    match name(path) {
        Some(stem) if stem != INDEX_FILE.trim_end_matches(".md") => stem,
        _ => path.parent().and_then(name).unwrap_or_default(),
    }
}

fn insert(
    languages: &mut BTreeMap<String, LangSource>,
    place: Place,
    raw: RawDoc,
    diagnostics: &Diagnostics,
) {
    let code = match &place {
        Place::Home(c)
        | Place::Contact(c)
        | Place::Audience(c, _)
        | Place::Category(c, _, _)
        | Place::Article(c, _)
        | Place::Snippet(c, _) => c.clone(),
    };
    let target = languages.entry(code).or_default();
    // Each arm parses into its own front matter type.
    match place {
        Place::Home(_) => target.home = Some(parse(raw, diagnostics)),
        Place::Contact(_) => target.contact = Some(parse(raw, diagnostics)),
        Place::Audience(_, a) => {
            target.audiences.insert(a, parse(raw, diagnostics));
        }
        Place::Category(_, a, c) => {
            target.categories.insert((a, c), parse(raw, diagnostics));
        }
        Place::Article(_, key) => {
            target.articles.insert(key, parse(raw, diagnostics));
        }
        Place::Snippet(_, name) => {
            let (path, body) = (raw.path, raw.body);
            target.snippets.insert(name, Snippet { path, body });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_that_are_not_utf8_are_reported_at_their_line_and_the_rest_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, b"---\ntitle: A\n---\nbad \xff here\n## Heading\n").unwrap();
        let diagnostics = Diagnostics::default();
        let raw = read(path, true, &diagnostics);
        let found = diagnostics.into_sorted();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].line, Some(4));
        assert_eq!(raw.yaml.as_deref(), Some("title: A\n"));
        assert!(raw.body.contains("## Heading"), "{}", raw.body);
    }

    #[test]
    fn front_matter_that_does_not_parse_leaves_a_placeholder_with_the_body() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("reset-password.md");
        std::fs::write(&path, "---\ntitle: A\ntitle: B\n---\n## Check\n").unwrap();
        let diagnostics = Diagnostics::default();
        let doc: Doc<ArticleMeta> = parse(read(path, true, &diagnostics), &diagnostics);
        assert_eq!(diagnostics.into_sorted()[0].line, Some(3));
        assert!(doc.unparsed);
        assert_eq!(doc.meta.title, "reset-password");
        assert_eq!(
            (doc.body.as_str(), doc.origins.body_line()),
            ("## Check\n", 5)
        );
        assert_eq!(
            placeholder_title(Path::new("content/en/users/account/_index.md")),
            "account"
        );
    }
}
