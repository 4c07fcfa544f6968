//! `sitemap.xml`: every canonical page with its translations (`xhtml:link` alternates), in page
//! order. This file is the one place that knows the sitemap's XML: written straight into one
//! string (a template would first turn 50,000 entries into a JSON value tree, which cost a large
//! site hundreds of MiB and seconds).

use crate::markdown::escape_html;
use crate::model::Site;
use crate::page::Page;

const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n";
const TAIL: &str = "</urlset>\n";

/// The sitemap of `pages`: exactly those that are their own canonical version.
pub fn sitemap_xml(site: &Site, pages: &[Page]) -> String {
    let absolute = |page: Page| site.absolute(&site.page_url(page));
    let mut xml = String::from(HEAD);
    for &page in pages {
        let Some(translations) = site.canonical_alternates(page) else {
            continue;
        };
        let alternates = translations
            .into_iter()
            .map(|(l, p)| (site.languages[l].code.as_str(), absolute(p)));
        push_entry(&mut xml, &absolute(page), alternates);
    }
    xml.push_str(TAIL);
    xml
}

/// One `<url>`: its location and its `(hreflang, href)` alternates.
fn push_entry<'a>(
    xml: &mut String,
    url: &str,
    alternates: impl Iterator<Item = (&'a str, String)>,
) {
    xml.push_str("<url><loc>");
    xml.push_str(&escape_html(url));
    xml.push_str("</loc>");
    for (hreflang, href) in alternates {
        xml.push_str("<xhtml:link rel=\"alternate\" hreflang=\"");
        xml.push_str(&escape_html(hreflang));
        xml.push_str("\" href=\"");
        xml.push_str(&escape_html(&href));
        xml.push_str("\"/>");
    }
    xml.push_str("</url>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_escaped() {
        let mut xml = String::new();
        let alternates = [("it", "https://h.example/it/?a=1&b=2".to_string())];
        push_entry(
            &mut xml,
            "https://h.example/en/?a=1&b=2",
            alternates.into_iter(),
        );
        assert_eq!(
            xml,
            "<url><loc>https://h.example/en/?a=1&amp;b=2</loc><xhtml:link rel=\"alternate\" hreflang=\"it\" href=\"https://h.example/it/?a=1&amp;b=2\"/></url>\n"
        );
    }
}
