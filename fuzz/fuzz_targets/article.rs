//! One article file: front matter split off and parsed, the Markdown body rendered. Raw HTML is
//! escaped (the default), so nothing the writer typed becomes a script: no `<script>` element,
//! no `on…` event attribute, no `javascript:` link or source in the HTML.
#![no_main]

use std::path::Path;

use helpcenter::frontmatter;
use helpcenter::load::{ArticleMeta, Origins};
use helpcenter::markdown::{self, Context};
use libfuzzer_sys::fuzz_target;
use scraper::Html;

fuzz_target!(|file: &[u8]| {
    let Ok(text) = std::str::from_utf8(file) else {
        return;
    };
    let path = Path::new("content/en/users/account/article.md");
    let lines = helpcenter_fuzz::line_count(text);
    let Ok(split) = frontmatter::split(text, path) else {
        return;
    };
    if let Err(d) = frontmatter::parse::<ArticleMeta>(split.yaml, path, 2) {
        assert!(
            d.line.is_none_or(|l| l <= lines),
            "line {:?} of {lines}",
            d.line
        );
    }
    let resolve = |target: &str, anchor: Option<&str>| {
        let page = target.trim_end_matches(".md");
        Some(format!(
            "/en/users/{page}/{}",
            anchor.map(|a| format!("#{a}")).unwrap_or_default()
        ))
    };
    let origins = Origins::file(path, split.body_line);
    let cx = Context {
        origins: &origins,
        allow_html: false,
        base: "/help",
        resolve_md: &resolve,
        callout_titles: ["Note", "Tip", "Important", "Warning", "Caution"],
        anchor_label: "Link to this section",
    };
    let (rendered, problems) = markdown::render(split.body, &cx);
    for d in &problems {
        assert!(
            d.line.is_none_or(|l| l <= lines),
            "line {:?} of {lines}",
            d.line
        );
    }
    for h in &rendered.headings {
        assert!(rendered.text.is_char_boundary(h.offset) && h.offset <= rendered.text.len());
    }
    check_no_script(&rendered.html);
});

fn check_no_script(html: &str) {
    let document = Html::parse_fragment(html);
    for node in document.tree.nodes() {
        let Some(element) = node.value().as_element() else {
            continue;
        };
        assert_ne!(element.name(), "script", "a script element in {html}");
        for (name, value) in element.attrs() {
            assert!(
                !name.starts_with("on"),
                "an event attribute `{name}` in {html}"
            );
            // What a browser takes for a URL's scheme: spaces and controls dropped.
            let url: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect();
            let script = url.to_ascii_lowercase().starts_with("javascript:");
            let is_url = matches!(name, "href" | "src" | "action" | "formaction" | "poster");
            assert!(
                !(is_url && script),
                "a javascript: URL in `{name}` of {html}"
            );
        }
    }
}
