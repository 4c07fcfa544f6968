//! Snippets: `content/<lang>/_snippets/<name>.md`, shared Markdown put into any page where a line
//! `{{#snippet name}}` stands. Expanded while loading, before any Markdown is rendered, so that
//! a snippet's headings join the page's table of contents and its links resolve from the page
//! that includes it. [`Origins`] keeps where each line of an expanded body was written, so every
//! later problem is reported in the file and at the line the writer can fix.

use std::collections::{BTreeMap, BTreeSet};

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use pulldown_cmark::{Event, Parser, Tag};

use super::{Doc, LangSource};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};

/// The folder of a language's snippets.
pub const SNIPPETS_DIR: &str = "_snippets";
const OPEN: &str = "{{#snippet";
const CLOSE: &str = "}}";

/// One snippet file.
#[derive(Debug, Clone)]
pub struct Snippet {
    pub path: PathBuf,
    pub body: String,
}

/// The snippets one language's pages can include: its own, else the default language's.
pub(super) struct Library<'a> {
    pub(super) own: &'a BTreeMap<String, Snippet>,
    pub(super) fallback: &'a BTreeMap<String, Snippet>,
    /// Where a missing snippet would go (`content/<lang>/_snippets`).
    pub(super) dir: &'a Path,
}

impl Library<'_> {
    fn get(&self, name: &str) -> Option<&Snippet> {
        self.own.get(name).or_else(|| self.fallback.get(name))
    }

    fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .own
            .keys()
            .chain(self.fallback.keys())
            .map(String::as_str)
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }
}

/// Where each line of a body was written: runs of lines, each from one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origins {
    /// Sorted by `start`; the first starts at 0.
    runs: Vec<Run>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Run {
    /// 0-based line of the body where the run starts.
    start: usize,
    file: Arc<Path>,
    /// 1-based line of `file` that the run's first line is.
    line: usize,
}

impl Origins {
    /// A body written in one file, from `body_line` on.
    pub fn file(path: &Path, body_line: usize) -> Self {
        Origins {
            runs: vec![Run {
                start: 0,
                file: path.into(),
                line: body_line,
            }],
        }
    }

    /// File and 1-based line of the body's 0-based line `n`.
    pub fn locate(&self, n: usize) -> (&Arc<Path>, usize) {
        let i = self.runs.partition_point(|r| r.start <= n).max(1) - 1;
        let run = &self.runs[i];
        (&run.file, run.line + n.saturating_sub(run.start))
    }

    /// The 1-based line in the doc's own file where its body starts.
    pub fn body_line(&self) -> usize {
        self.runs[0].line
    }

    fn push(&mut self, start: usize, file: &Arc<Path>, line: usize) {
        if let Some(last) = self.runs.last() {
            let continues =
                Arc::ptr_eq(&last.file, file) && last.line + (start - last.start) == line;
            if continues {
                return;
            }
        }
        self.runs.push(Run {
            start,
            file: file.clone(),
            line,
        });
    }
}

/// A body with its snippets put in.
#[derive(Debug)]
pub(super) struct Expanded {
    pub body: String,
    pub origins: Origins,
    /// The snippet files it includes, directly or through another snippet.
    pub includes: Vec<PathBuf>,
}

/// Puts the snippets into `body` (written in `path` from line `body_line`). Unknown snippets,
/// cycles and misplaced directives are errors at the including line; their lines are left out.
pub(super) fn expand(
    body: &str,
    path: &Path,
    body_line: usize,
    library: &Library<'_>,
) -> (Expanded, Vec<Diagnostic>) {
    let mut out = Expansion {
        library,
        body: String::with_capacity(body.len()),
        lines: 0,
        origins: Origins { runs: Vec::new() },
        includes: Vec::new(),
        problems: Vec::new(),
        stack: vec![path.to_path_buf()],
    };
    out.text(body, &Arc::from(path), body_line, "");
    if out.origins.runs.is_empty() {
        out.origins = Origins::file(path, body_line);
    }
    out.includes.sort();
    out.includes.dedup();
    let expanded = Expanded {
        body: out.body,
        origins: out.origins,
        includes: out.includes,
    };
    (expanded, out.problems)
}

/// True when `body` may include a snippet (the cheap test before [`expand`]).
pub(super) fn mentions_snippets(body: &str) -> bool {
    body.contains(OPEN)
}

struct Expansion<'l, 'a> {
    library: &'l Library<'a>,
    body: String,
    /// Lines written to `body` so far.
    lines: usize,
    origins: Origins,
    includes: Vec<PathBuf>,
    problems: Vec<Diagnostic>,
    /// The files being expanded, outermost first: a cycle is a file already on it.
    stack: Vec<PathBuf>,
}

impl Expansion<'_, '_> {
    /// Writes `text` (from `file`, its first line being `first_line`) with `indent` before each
    /// line, expanding its directives.
    fn text(&mut self, text: &str, file: &Arc<Path>, first_line: usize, indent: &str) {
        let code = code_ranges(text);
        let in_code = |at: usize| code.iter().any(|r| r.contains(&at));
        let mut start = 0;
        for (n, line) in text.split_inclusive('\n').enumerate() {
            let at = start;
            start += line.len();
            let file_line = first_line + n;
            let directive = (!in_code(at)).then(|| directive(line)).flatten();
            match directive {
                Some((own_indent, name)) => {
                    let indent = format!("{indent}{own_indent}");
                    self.include(name, file, file_line, &indent);
                }
                None => {
                    if let Some(i) = misplaced(line, at, &in_code) {
                        self.problems.push(Diagnostic::error(&**file, Some(file_line), format!("`{}` is not on a line of its own", &line[i..].trim_end()), "a snippet is included by a line that holds only `{{#snippet name}}` (indented like the text around it; not after `>` or a list marker)"));
                    }
                    self.write(line, file, file_line, indent);
                }
            }
        }
    }

    fn write(&mut self, line: &str, file: &Arc<Path>, file_line: usize, indent: &str) {
        self.origins.push(self.lines, file, file_line);
        if !line.trim().is_empty() {
            self.body.push_str(indent);
        }
        self.body.push_str(line);
        if !line.ends_with('\n') {
            self.body.push('\n');
        }
        self.lines += 1;
    }

    /// A blank line standing for the directive, so that the snippet is a block of its own.
    fn blank(&mut self, file: &Arc<Path>, file_line: usize) {
        self.write("\n", file, file_line, "");
    }

    fn include(&mut self, name: Result<&str, String>, file: &Arc<Path>, line: usize, indent: &str) {
        self.blank(file, line);
        let error =
            |message: String, hint: String| Diagnostic::error(&**file, Some(line), message, hint);
        let name = match name {
            Ok(name) => name,
            Err(problem) => {
                let hint = format!("name the file of a snippet, without `.md`: snippets sit directly in {}/ (letters, digits, `-` and `_`)", self.library.dir.display());
                self.problems.push(error(problem, hint));
                return;
            }
        };
        let Some(snippet) = self.library.get(name) else {
            let known = self.library.names();
            let hint = match known.is_empty() {
                true => format!("create {}/{name}.md", self.library.dir.display()),
                false => format!(
                    "create {}/{name}.md, or use one of: {}",
                    self.library.dir.display(),
                    known.join(", ")
                ),
            };
            self.problems
                .push(error(format!("unknown snippet `{name}`"), hint));
            return;
        };
        if self.stack.contains(&snippet.path) {
            let chain: Vec<String> = self
                .stack
                .iter()
                .chain([&snippet.path])
                .map(|p| p.display().to_string())
                .collect();
            self.problems.push(error(format!("snippet cycle: {}", chain.join(" → ")), "a snippet cannot include itself, directly or through another snippet: remove one of these lines".into()));
            return;
        }
        self.includes.push(snippet.path.clone());
        self.stack.push(snippet.path.clone());
        let path: Arc<Path> = Arc::from(snippet.path.as_path());
        self.text(&snippet.body, &path, 1, indent);
        self.stack.pop();
        self.blank(file, line);
    }
}

/// A line that holds only `{{#snippet name}}`: its indentation and the name (or what is wrong).
fn directive(line: &str) -> Option<(&str, Result<&str, String>)> {
    let trimmed = line.trim();
    let inner = trimmed.strip_prefix(OPEN)?.strip_suffix(CLOSE)?;
    let indent = &line[..line.len() - line.trim_start().len()];
    if !inner.is_empty() && !inner.starts_with(char::is_whitespace) {
        return None; // `{{#snippetx}}` is not ours
    }
    let name = inner.trim();
    let valid = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let name = if name.is_empty() {
        Err("a snippet line without a name".to_string())
    } else if name.contains(['/', '\\']) {
        Err(format!("snippet name `{name}` has a slash"))
    } else if !name.chars().all(valid) {
        Err(format!("`{name}` is not a snippet name"))
    } else {
        Ok(name)
    };
    Some((indent, name))
}

/// Where a directive starts in a line that is more than the directive, outside code.
fn misplaced(line: &str, at: usize, in_code: &impl Fn(usize) -> bool) -> Option<usize> {
    line.match_indices(OPEN)
        .map(|(i, _)| i)
        .find(|&i| !in_code(at + i))
}

/// Byte ranges of code blocks and code spans, where a directive is text to show.
fn code_ranges(text: &str) -> Vec<Range<usize>> {
    if !mentions_snippets(text) {
        return Vec::new();
    }
    let events = Parser::new_ext(text, crate::markdown::options()).into_offset_iter();
    // A code block's start event spans the whole block.
    let code =
        events.filter(|(e, _)| matches!(e, Event::Start(Tag::CodeBlock(_)) | Event::Code(_)));
    code.map(|(_, range)| range).collect()
}

/// A snippet file's name is its stem; the same rule as the directive's.
pub(super) fn snippet_name(file_name: &str) -> Result<&str, String> {
    let stem = file_name
        .strip_suffix(".md")
        .ok_or_else(|| format!("`{file_name}` is not a Markdown file"))?;
    match directive(&format!("{OPEN} {stem}{CLOSE}")) {
        Some((_, Ok(_))) => Ok(stem),
        _ => Err(format!("`{stem}` is not a snippet name")),
    }
}

/// Puts the snippets into every page's body: a language's own snippet, else the default
/// language's. Returns every snippet file and whether a page includes it.
pub(super) fn expand_all(
    languages: &mut BTreeMap<String, LangSource>,
    content_dir: &Path,
    config: &Config,
    diagnostics: &Diagnostics,
) -> Vec<(PathBuf, bool)> {
    let libraries: BTreeMap<String, BTreeMap<String, Snippet>> = languages
        .iter_mut()
        .map(|(code, source)| (code.clone(), std::mem::take(&mut source.snippets)))
        .collect();
    let empty = BTreeMap::new();
    let fallback = libraries.get(&config.default_language).unwrap_or(&empty);
    let mut used = BTreeSet::new();
    for (code, source) in languages.iter_mut() {
        let dir = content_dir.join(code).join(SNIPPETS_DIR);
        let library = Library {
            own: libraries.get(code).unwrap_or(&empty),
            fallback,
            dir: &dir,
        };
        let mut cx = (&library, diagnostics, &mut used);
        source.home.iter_mut().for_each(|d| expand_doc(d, &mut cx));
        source
            .contact
            .iter_mut()
            .for_each(|d| expand_doc(d, &mut cx));
        source
            .audiences
            .values_mut()
            .for_each(|d| expand_doc(d, &mut cx));
        source
            .categories
            .values_mut()
            .for_each(|d| expand_doc(d, &mut cx));
        source
            .articles
            .values_mut()
            .for_each(|d| expand_doc(d, &mut cx));
    }
    libraries
        .into_values()
        .flat_map(BTreeMap::into_values)
        .map(|s| {
            let is_used = used.contains(&s.path);
            (s.path, is_used)
        })
        .collect()
}

/// Puts the snippets into one doc read again on its own (`serve`'s quick path): its language's
/// snippets, else the default language's, read from their folders as loading reads them.
pub(super) fn expand_one<M>(
    doc: &mut Doc<M>,
    content_dir: &Path,
    code: &str,
    config: &Config,
    diagnostics: &Diagnostics,
) {
    if !mentions_snippets(&doc.body) {
        return;
    }
    let own = read_library(content_dir, code, diagnostics);
    let fallback = read_library(content_dir, &config.default_language, diagnostics);
    let dir = content_dir.join(code).join(SNIPPETS_DIR);
    let library = Library {
        own: &own,
        fallback: &fallback,
        dir: &dir,
    };
    let mut used = BTreeSet::new();
    expand_doc(doc, &mut (&library, diagnostics, &mut used));
}

/// One language's snippet files, by name.
fn read_library(
    content_dir: &Path,
    code: &str,
    diagnostics: &Diagnostics,
) -> BTreeMap<String, Snippet> {
    let dir = content_dir.join(code).join(SNIPPETS_DIR);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return BTreeMap::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let file_name = entry.file_name();
            let name = snippet_name(file_name.to_str()?).ok()?.to_string();
            let path = entry.path();
            let body = super::read_text(&path, diagnostics)?;
            Some((name, Snippet { path, body }))
        })
        .collect()
}

fn expand_doc<M>(
    doc: &mut Doc<M>,
    (library, diagnostics, used): &mut (&Library<'_>, &Diagnostics, &mut BTreeSet<PathBuf>),
) {
    if !mentions_snippets(&doc.body) {
        return;
    }
    let (expanded, problems) = expand(&doc.body, &doc.path, doc.origins.body_line(), library);
    problems.into_iter().for_each(|d| diagnostics.push(d));
    used.extend(expanded.includes.iter().cloned());
    doc.body = expanded.body;
    doc.origins = expanded.origins;
    doc.includes = expanded.includes;
}

#[cfg(test)]
mod tests;
