//! Moved articles keep their old links: each `aliases:` path of an article becomes, in every
//! language whose page shows that doc, a URL that sends visitors to the article. An alias may not
//! be another language's path, a page that exists, or another article's alias.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ids::{ArticleId, LangId};
use crate::model::Site;

/// One old path of an article in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    pub lang: LangId,
    pub article: ArticleId,
    /// The path under the language's home, as written (without surrounding slashes).
    pub path: String,
}

/// Every valid alias of the site, language by language; problems go to `diagnostics`.
pub(super) fn collect(site: &Site, diagnostics: &Diagnostics) -> Vec<Alias> {
    let mut all = Vec::new();
    let any = site.articles.iter().flat_map(|a| a.docs.iter().flatten());
    if any.clone().all(|d| d.meta.aliases.is_empty()) {
        return all;
    }
    let pages = site.page_urls();
    // A doc shown in several languages has the same problem in each: reported once.
    let mut reported: HashSet<(&Path, &str)> = HashSet::new();
    for l in site.languages.keys() {
        let mut seen: HashMap<String, &Path> = HashMap::new();
        for a in site.articles.keys() {
            let doc = site.article_doc(l, a).0;
            let line = doc.lines.get("aliases");
            let error = |message: String, hint: &str| {
                Diagnostic::error(&doc.path, line, message, hint.to_string())
            };
            for path in &doc.meta.aliases {
                if reported.contains(&(doc.path.as_path(), path.as_str())) {
                    continue;
                }
                let alias = Alias {
                    lang: l,
                    article: a,
                    path: path.clone(),
                };
                let url = site.alias_url(&alias);
                let first = path.split('/').next().unwrap_or_default();
                let problem = if site.languages.iter().any(|x| x.code == first) {
                    Some(error(format!("alias `{path}` starts with a language: an alias is a path under this article's own language"), "write the path after `/<language>/`, e.g. `users/account/old-name`; the translation lists its own old paths"))
                } else if url == site.article_url(l, a) {
                    Some(error(
                        format!("alias `{path}` is this article's own path {url}"),
                        "remove it: only old paths need an alias",
                    ))
                } else if pages.contains(&url) {
                    Some(error(
                        format!("alias `{path}` is the path of a page that exists: {url}"),
                        "remove the alias, or move the page that has that path",
                    ))
                } else if let Some(other) = seen.insert(url.clone(), &doc.path) {
                    let message = format!(
                        "alias `{path}` ({url}) is also an alias of {}",
                        other.display()
                    );
                    Some(error(
                        message,
                        "an old path can lead to one article only: remove it from one of the two",
                    ))
                } else {
                    None
                };
                match problem {
                    Some(d) => {
                        diagnostics.push(d);
                        reported.insert((&doc.path, path));
                    }
                    None => all.push(alias),
                }
            }
        }
    }
    all
}
