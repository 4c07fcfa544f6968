//! `sitemap.xml` (with `xhtml:link` alternates) and `robots.txt`, from the list of pages.

use pulldown_cmark_escape::escape_html;

/// One canonical page: its absolute URL and its translations (hreflang, absolute URL).
pub struct Entry {
    pub url: String,
    pub alternates: Vec<(String, String)>,
}

pub fn sitemap(entries: &[Entry]) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n");
    for entry in entries {
        xml.push_str("<url><loc>");
        push_escaped(&mut xml, &entry.url);
        xml.push_str("</loc>");
        for (lang, href) in &entry.alternates {
            xml.push_str("<xhtml:link rel=\"alternate\" hreflang=\"");
            push_escaped(&mut xml, lang);
            xml.push_str("\" href=\"");
            push_escaped(&mut xml, href);
            xml.push_str("\"/>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

pub fn robots(sitemap_url: &str) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n")
}

fn push_escaped(out: &mut String, s: &str) {
    escape_html(out, s).expect("writing to a String cannot fail");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_pages_with_escaped_alternates() {
        let xml = sitemap(&[Entry {
            url: "https://h.example/en/?a=1&b=2".into(),
            alternates: vec![("it".into(), "https://h.example/it/".into())],
        }]);
        assert!(xml.contains("<loc>https://h.example/en/?a=1&amp;b=2</loc>"));
        assert!(xml.contains(
            "<xhtml:link rel=\"alternate\" hreflang=\"it\" href=\"https://h.example/it/\"/>"
        ));
    }
}
