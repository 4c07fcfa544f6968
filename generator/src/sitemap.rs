//! What `sitemap.xml` lists: every canonical page with its translations (`xhtml:link`
//! alternates). The markup is the theme's `sitemap.xml` template (`render`).

use serde::Serialize;

use crate::model::Site;
use crate::page::Page;

/// One canonical page: its absolute URL and its translations.
#[derive(Debug, Serialize)]
pub struct Entry {
    pub url: String,
    pub alternates: Vec<Alternate>,
}

#[derive(Debug, Serialize)]
pub struct Alternate {
    pub hreflang: String,
    pub href: String,
}

/// The sitemap's entries, in page order: exactly the pages that are their own canonical.
pub fn entries(site: &Site, pages: &[Page]) -> Vec<Entry> {
    let absolute = |page: Page| site.absolute(&site.page_url(page));
    pages
        .iter()
        .filter_map(|&page| {
            let alternates = site.canonical_alternates(page)?;
            let alternates = alternates.into_iter().map(|(l, p)| Alternate {
                hreflang: site.languages[l].code.clone(),
                href: absolute(p),
            });
            Some(Entry {
                url: absolute(page),
                alternates: alternates.collect(),
            })
        })
        .collect()
}
