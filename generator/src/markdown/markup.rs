//! Every piece of HTML the generator itself writes around a Markdown document — heading anchors,
//! callouts, table wrappers, links and images — in one place, next to the one escaper that all
//! generated markup (and the theme's templates) use. Per heading or link a template would cost a
//! Tera call each; these are the fixed fragments a theme styles by their classes.

use pulldown_cmark_escape::escape_href;

/// Text escaped for HTML (and XML) text and double-quoted attributes.
pub(crate) fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    pulldown_cmark_escape::escape_html(&mut out, s).expect("writing to a String cannot fail");
    out
}

/// A URL for an `href` or `src` attribute.
pub(super) fn href(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_href(&mut out, s).expect("writing to a String cannot fail");
    escape_html(&out)
}

pub(super) fn heading_open(level: u8, id: &str) -> String {
    format!("<h{level} id=\"{}\">", escape_html(id))
}

/// The end of a heading, with its anchor link (`#`) labelled for screen readers.
pub(super) fn heading_close(level: u8, id: &str, label: &str) -> String {
    format!(
        " <a class=\"anchor\" href=\"#{}\" aria-label=\"{}\">#</a></h{level}>\n",
        escape_html(id),
        escape_html(label)
    )
}

/// A GFM callout (`> [!NOTE]`) of `class` (note, tip, …) with its localized title.
pub(super) fn callout_open(class: &str, title: &str) -> String {
    format!(
        "<div class=\"callout callout-{class}\" role=\"note\"><p class=\"callout-title\">{}</p>\n",
        escape_html(title)
    )
}

pub(super) const CALLOUT_CLOSE: &str = "</div>\n";
/// Tables scroll sideways inside their wrapper on narrow screens.
pub(super) const TABLE_OPEN: &str = "<div class=\"table-wrap\">";
pub(super) const TABLE_CLOSE: &str = "</div>\n";
pub(super) const LINK_CLOSE: &str = "</a>";
/// A link whose destination was dropped (a `javascript:` or similar scheme).
pub(super) const LINK_WITHOUT_DESTINATION: &str = "<a>";

/// Where a link leads, which decides its markup.
pub(super) enum LinkKind {
    Email,
    /// Another site: marked, and without the referrer.
    External,
    Internal,
}

pub(super) fn link_open(kind: LinkKind, dest: &str, title: &str) -> String {
    let title = title_attribute(title);
    match kind {
        LinkKind::Email => format!("<a href=\"mailto:{}\"{title}>", href(dest)),
        LinkKind::External => format!(
            "<a class=\"external\" href=\"{}\" rel=\"noopener noreferrer\"{title}>",
            href(dest)
        ),
        LinkKind::Internal => format!("<a href=\"{}\"{title}>", href(dest)),
    }
}

/// An image, loaded lazily.
pub(super) fn image(src: &str, alt: &str, title: &str) -> String {
    format!(
        "<img src=\"{}\" alt=\"{}\"{} loading=\"lazy\" decoding=\"async\">",
        href(src),
        escape_html(alt),
        title_attribute(title)
    )
}

fn title_attribute(title: &str) -> String {
    if title.is_empty() {
        String::new()
    } else {
        format!(" title=\"{}\"", escape_html(title))
    }
}
