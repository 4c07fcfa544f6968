//! Content edits and built pages, as the writers' tests need them.

use std::path::Path;
use std::process::Output;

use scraper::{Html, Selector};

use super::run;

/// `helpcenter build --out public` in `dir`.
pub(crate) fn build(dir: &Path) -> Output {
    run(dir, &["build", "--out", "public"])
}

/// Adds `line` to the front matter of `path`.
pub(crate) fn add_key(path: &Path, line: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, text.replacen("---\n", &format!("---\n{line}\n"), 1)).unwrap();
}

/// Adds `text` as a paragraph at the end of `path`.
pub(crate) fn append(path: &Path, text: &str) {
    let old = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, format!("{old}\n{text}\n")).unwrap();
}

/// The built page at `url_path` (`/en/users/`), parsed.
pub(crate) fn page_at(out: &Path, url_path: &str) -> Html {
    let file = out
        .join(url_path.trim_start_matches('/'))
        .join("index.html");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    Html::parse_document(&text)
}

fn select(
    doc: &Html,
    css: &str,
    f: impl Fn(scraper::ElementRef<'_>) -> Option<String>,
) -> Vec<String> {
    let selector = Selector::parse(css).unwrap();
    doc.select(&selector).filter_map(f).collect()
}

/// The trimmed text of each element `css` selects.
pub(crate) fn texts(doc: &Html, css: &str) -> Vec<String> {
    select(doc, css, |e| {
        Some(e.text().collect::<String>().trim().to_string())
    })
}

pub(crate) fn hrefs(doc: &Html, css: &str) -> Vec<String> {
    select(doc, css, |e| e.value().attr("href").map(str::to_string))
}
