//! Markdown → HTML for one document: CommonMark + GFM extensions, stable heading ids with anchor
//! links, callouts, smart links between articles, marked external links, lazy images, and raw HTML
//! escaped unless allowed. Collects what later steps need: headings (for the table of contents and
//! anchor checks), links to check once every page is known, and plain text (for search).

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use pulldown_cmark::{
    BlockQuoteKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};

use crate::diagnostics::{line_of, Diagnostic};
use crate::load::Origins;

mod markup;

pub(crate) use markup::escape_html;
use markup::LinkKind;

/// How the document's surroundings answer the renderer's questions.
pub struct Context<'a> {
    /// Where each line of the body was written (its file, or a snippet's), for diagnostics.
    pub origins: &'a Origins,
    pub allow_html: bool,
    /// Prefix for site paths (`/en/…` → `{base}/en/…`).
    pub base: &'a str,
    /// Turns a link to a `.md` file (as written, relative to this file, with its `#anchor` if it
    /// has one) into a URL.
    pub resolve_md: &'a (dyn Fn(&str, Option<&str>) -> Option<String> + Sync),
    /// Localized callout titles: note, tip, important, warning, caution.
    pub callout_titles: [&'a str; 5],
    /// Label of a heading's anchor link, for screen readers.
    pub anchor_label: &'a str,
}

/// A file and a 1-based line in it.
type Spot<'a> = (&'a Arc<Path>, usize);

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
    /// Where its text starts in [`Rendered::text`] (bytes): search finds its words from there.
    #[serde(skip)]
    pub offset: usize,
}

impl Heading {
    /// A section of the article: listed in its table of contents, and a search sub-result.
    pub fn is_section(&self) -> bool {
        self.level <= 3
    }
}

/// A link to a page of the site, checked once all pages are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteLink {
    /// The page's URL (with the base path), empty for a link within the same page.
    pub url: String,
    pub anchor: Option<String>,
    /// The file it was written in (the page's, or a snippet's; shared) and the line there.
    pub file: Arc<Path>,
    pub line: usize,
    /// An image or other file rather than a page.
    pub is_file: bool,
}

#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    pub links: Vec<SiteLink>,
    /// The text without markup, for search and excerpts.
    pub text: String,
}

/// The Markdown dialect (also what `check --external` parses to find links).
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// Renders `body`; broken links to other articles come back as diagnostics.
pub fn render(body: &str, cx: &Context<'_>) -> (Rendered, Vec<Diagnostic>) {
    let mut state = State {
        cx,
        out: Rendered::default(),
        problems: Vec::new(),
        ids: HashSet::new(),
    };
    let mut events = Vec::new();
    let mut parser = Parser::new_ext(body, options()).into_offset_iter();
    while let Some((event, range)) = parser.next() {
        // Counted only where needed: counting for every event made rendering quadratic.
        let line = || cx.origins.locate(line_of(body, range.start) - 1);
        let mut rest = parser.by_ref().map(|(event, _)| event);
        let event = match state.markup(event, line, &mut rest) {
            Ok(written) => {
                events.push(written);
                continue;
            }
            Err(event) => event,
        };
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let inner = take_until_end(&mut rest);
                state.heading(level, id, inner, line(), &mut events);
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                events.push(Event::Html(state.callout_open(kind).into()))
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                events.push(Event::Html(markup::CALLOUT_CLOSE.into()))
            }
            Event::Start(Tag::Table(alignment)) => {
                events.push(Event::Html(markup::TABLE_OPEN.into()));
                events.push(Event::Start(Tag::Table(alignment)));
            }
            Event::End(TagEnd::Table) => {
                events.push(Event::End(TagEnd::Table));
                events.push(Event::Html(markup::TABLE_CLOSE.into()));
            }
            Event::Text(text) => {
                state.out.text.push_str(&text);
                events.push(Event::Text(text));
            }
            Event::Code(code) => {
                state.out.text.push_str(&code);
                events.push(Event::Code(code));
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell)
            | Event::SoftBreak
            | Event::HardBreak => {
                state.out.text.push(' ');
                events.push(event);
            }
            other => events.push(other),
        }
    }
    pulldown_cmark::html::push_html(&mut state.out.html, events.into_iter());
    (state.out, state.problems)
}

/// The events inside the element just started, up to its matching end (consumed, not returned).
fn take_until_end<'a>(events: &mut impl Iterator<Item = Event<'a>>) -> Vec<Event<'a>> {
    let mut depth = 0;
    let mut inner = Vec::new();
    for event in events.by_ref() {
        match &event {
            Event::Start(_) => depth += 1,
            Event::End(_) if depth == 0 => break,
            Event::End(_) => depth -= 1,
            _ => {}
        }
        inner.push(event);
    }
    inner
}

fn plain_text(events: &[Event<'_>]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect()
}

struct State<'c, 'a> {
    cx: &'c Context<'a>,
    out: Rendered,
    problems: Vec<Diagnostic>,
    ids: HashSet<String>,
}

impl State<'_, '_> {
    fn heading<'e>(
        &mut self,
        level: HeadingLevel,
        id: Option<CowStr<'e>>,
        inner: Vec<Event<'e>>,
        at: Spot<'_>,
        events: &mut Vec<Event<'e>>,
    ) {
        let text = plain_text(&inner);
        let base = id.map(|i| i.to_string()).unwrap_or_else(|| slugify(&text));
        let id = self.unique_id(base);
        let level = level as u8;
        events.push(Event::Html(markup::heading_open(level, &id).into()));
        // Its links and images are written as everywhere else (checked, resolved, marked).
        let mut rest = inner.into_iter();
        while let Some(event) = rest.next() {
            let written = self.markup(event, || at, &mut rest);
            events.push(written.unwrap_or_else(|event| event));
        }
        let label = format!("{}: {text}", self.cx.anchor_label);
        events.push(Event::Html(
            markup::heading_close(level, &id, &label).into(),
        ));
        // Its own words: never glued to the text before it (raw HTML adds no space).
        if !self.out.text.is_empty() && !self.out.text.ends_with(char::is_whitespace) {
            self.out.text.push(' ');
        }
        let offset = self.out.text.len();
        self.out.text.push_str(&text);
        self.out.text.push(' ');
        self.out.headings.push(Heading {
            level,
            id,
            text,
            offset,
        });
    }

    /// A link, an image or raw HTML as the site writes it, wherever it is (in a heading too);
    /// any other event comes back as `Err`. An image takes its alt text from `rest`.
    fn markup<'e, 's>(
        &mut self,
        event: Event<'e>,
        line: impl Fn() -> Spot<'s>,
        rest: &mut impl Iterator<Item = Event<'e>>,
    ) -> Result<Event<'e>, Event<'e>> {
        Ok(match event {
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                let inner = take_until_end(rest);
                Event::Html(self.image(&dest_url, &title, &inner, line()).into())
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => Event::Html(self.link_open(link_type, &dest_url, &title, line()).into()),
            Event::End(TagEnd::Link) => Event::Html(markup::LINK_CLOSE.into()),
            Event::Html(h) | Event::InlineHtml(h) if !self.cx.allow_html => Event::Text(h),
            other => return Err(other),
        })
    }

    fn unique_id(&mut self, base: String) -> String {
        let mut id = base.clone();
        let mut n = 1;
        while !self.ids.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }

    fn callout_open(&self, kind: BlockQuoteKind) -> String {
        let (class, i) = match kind {
            BlockQuoteKind::Note => ("note", 0),
            BlockQuoteKind::Tip => ("tip", 1),
            BlockQuoteKind::Important => ("important", 2),
            BlockQuoteKind::Warning => ("warning", 3),
            BlockQuoteKind::Caution => ("caution", 4),
        };
        markup::callout_open(class, self.cx.callout_titles[i])
    }

    fn link_open(&mut self, link_type: LinkType, dest: &str, title: &str, at: Spot<'_>) -> String {
        if link_type == LinkType::Email {
            return markup::link_open(LinkKind::Email, dest, title);
        }
        if is_script(dest) {
            return markup::LINK_WITHOUT_DESTINATION.to_string();
        }
        if is_external(dest) {
            return markup::link_open(LinkKind::External, dest, title);
        }
        let url = self
            .site_url(dest, at, false)
            .unwrap_or_else(|| dest.to_string());
        markup::link_open(LinkKind::Internal, &url, title)
    }

    fn image(&mut self, dest: &str, title: &str, inner: &[Event<'_>], at: Spot<'_>) -> String {
        if is_script(dest) {
            return escape_html(&plain_text(inner));
        }
        let src = if is_external(dest) {
            dest.to_string()
        } else {
            self.site_url(dest, at, true)
                .unwrap_or_else(|| dest.to_string())
        };
        markup::image(&src, &plain_text(inner), title)
    }

    /// The URL of a link within the site, recording it for the later check; `None` leaves the
    /// destination as written (relative file links, `mailto:` and other schemes).
    fn site_url(&mut self, dest: &str, (file, line): Spot<'_>, is_file: bool) -> Option<String> {
        let (path, anchor) = match dest.split_once('#') {
            Some((p, a)) => (p, Some(a.to_string())),
            None => (dest, None),
        };
        let url = if path.is_empty() {
            String::new()
        } else if path.ends_with(".md") {
            match (self.cx.resolve_md)(path, anchor.as_deref()) {
                Some(url) => url,
                None => {
                    self.problems.push(Diagnostic::error(&**file, Some(line), format!("broken link: `{path}` is not an article, category or page of the help center"), "link to another Markdown file by its path relative to this file (in a snippet: relative to the page that includes it), e.g. `../billing/refunds.md`; check the spelling and that it is not a draft"));
                    return None;
                }
            }
        } else if path.starts_with('/') {
            format!("{}{path}", self.cx.base)
        } else {
            return None;
        };
        let full = match &anchor {
            Some(a) => format!("{url}#{a}"),
            None => url.clone(),
        };
        self.out.links.push(SiteLink {
            url,
            anchor,
            file: file.clone(),
            line,
            is_file,
        });
        Some(full)
    }
}

/// Schemes that run code when followed; such links lose their destination.
fn is_script(dest: &str) -> bool {
    let scheme = dest
        .trim_start()
        .get(..11)
        .unwrap_or(dest)
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|s| scheme.starts_with(s))
}

fn is_external(dest: &str) -> bool {
    dest.starts_with("https://") || dest.starts_with("http://") || dest.starts_with("//")
}

/// A heading's id from its text: lowercase, letters and digits of any script kept, every run of
/// other characters one `-`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-');
    if slug.is_empty() {
        "section".to_string()
    } else {
        slug.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(body: &str, allow_html: bool) -> (Rendered, Vec<Diagnostic>) {
        let resolve = |p: &str, _: Option<&str>| {
            (p == "../billing/refunds.md").then(|| "/en/users/billing/refunds/".to_string())
        };
        let origins = Origins::file(Path::new("content/en/users/account/a.md"), 5);
        let cx = Context {
            origins: &origins,
            allow_html,
            base: "",
            resolve_md: &resolve,
            callout_titles: ["Note", "Tip", "Important", "Warning", "Caution"],
            anchor_label: "Link to this section",
        };
        render(body, &cx)
    }

    #[test]
    fn heading_ids_are_stable_unique_and_keep_other_scripts() {
        let (r, _) = md("## Reset your password!\n\n## Reset your password\n\n## Сброс пароля\n\n## Own {#custom}\n", false);
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "reset-your-password",
                "reset-your-password-1",
                "сброс-пароля",
                "custom"
            ]
        );
        assert!(r
            .html
            .contains("<h2 id=\"custom\">Own <a class=\"anchor\" href=\"#custom\""));
    }

    #[test]
    fn headings_know_where_their_text_starts() {
        let (r, _) = md(
            "Intro text.\n\n## First `step`\n\nBody.\n\n### Then\n",
            false,
        );
        for h in &r.headings {
            assert!(
                r.text[h.offset..].starts_with(&h.text),
                "{h:?} in {:?}",
                r.text
            );
        }
        assert_eq!(r.headings[0].text, "First step");
        assert!(r.text[..r.headings[0].offset].ends_with(' '));
    }

    #[test]
    fn article_links_become_urls_and_broken_ones_are_errors_with_lines() {
        let (r, problems) = md(
            "See [refunds](../billing/refunds.md#when).\n\nAnd [gone](../nope.md).\n",
            false,
        );
        assert!(
            r.html.contains("href=\"/en/users/billing/refunds/#when\""),
            "{}",
            r.html
        );
        assert_eq!(
            r.links[0],
            SiteLink {
                url: "/en/users/billing/refunds/".into(),
                anchor: Some("when".into()),
                file: Path::new("content/en/users/account/a.md").into(),
                line: 5,
                is_file: false
            }
        );
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, Some(7));
        assert!(problems[0].message.contains("`../nope.md`"));
    }

    #[test]
    fn external_links_are_marked_and_images_lazy() {
        let (r, _) = md(
            "[site](https://example.com) ![A *cat*](/images/cat.png \"t\")",
            false,
        );
        assert!(r.html.contains("<a class=\"external\" href=\"https://example.com\" rel=\"noopener noreferrer\">site</a>"), "{}", r.html);
        assert!(r.html.contains("<img src=\"/images/cat.png\" alt=\"A cat\" title=\"t\" loading=\"lazy\" decoding=\"async\">"), "{}", r.html);
        assert!(r.links[0].is_file);
    }

    #[test]
    fn raw_html_is_escaped_unless_allowed() {
        let (r, _) = md("<script>alert(1)</script>\n\nHi <b>x</b>\n", false);
        assert!(
            !r.html.contains("<script>") && r.html.contains("&lt;script&gt;"),
            "{}",
            r.html
        );
        assert!(!r.html.contains("<b>"));
        let (r, _) = md("Hi <b>x</b>\n", true);
        assert!(r.html.contains("<b>x</b>"));
    }

    #[test]
    fn callouts_tables_footnotes_tasks_strikethrough() {
        let (r, _) = md("> [!WARNING]\n> Careful.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^1] ~~old~~\n\n- [x] done\n\n[^1]: Note.\n", false);
        assert!(r.html.contains("<div class=\"callout callout-warning\" role=\"note\"><p class=\"callout-title\">Warning</p>"), "{}", r.html);
        assert!(r.html.contains("<div class=\"table-wrap\"><table>"));
        assert!(r.html.contains("<del>old</del>"));
        assert!(r.html.contains("type=\"checkbox\""));
        assert!(r.html.contains("footnote-definition"));
        assert!(r.text.contains("Careful."));
    }

    #[test]
    fn hostile_link_destinations_are_escaped() {
        let (r, _) = md(
            "[x](https://e.com/\"onmouseover=alert(1)) [y](javascript:alert(1))",
            false,
        );
        assert!(!r.html.contains("\"onmouseover"), "{}", r.html);
        assert!(!r.html.contains("javascript:"), "{}", r.html);
    }

    /// Found by fuzzing (`fuzz/`, target `article`): a heading's links skipped all of this.
    #[test]
    fn links_in_headings_are_written_as_everywhere_else() {
        let (r, problems) = md(
            "# H [x](javascript:alert(1))\n\n## [Refunds](../billing/refunds.md) and [gone](gone.md)\n\n### [out](https://e.com) ![i](javascript:alert(2))\n",
            false,
        );
        assert!(!r.html.contains("javascript:"), "{}", r.html);
        assert!(
            r.html
                .contains("<a href=\"/en/users/billing/refunds/\">Refunds</a>"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<a class=\"external\" href=\"https://e.com\""),
            "{}",
            r.html
        );
        assert_eq!(r.links.len(), 1, "the resolved link is checked later");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].message.contains("`gone.md`") && problems[0].line == Some(7));
        let texts: Vec<&str> = r.headings.iter().map(|h| h.text.as_str()).collect();
        assert_eq!(texts, ["H x", "Refunds and gone", "out i"]);
    }

    #[test]
    fn images_with_script_sources_are_their_alt_text() {
        let (r, _) = md(
            "![a & b](javascript:alert(1)) ![d](data:image/svg+xml,x)",
            false,
        );
        assert!(!r.html.contains("<img"), "{}", r.html);
        assert!(r.html.contains("<p>a &amp; b d</p>"), "{}", r.html);
    }
}
