//! The pages a site has and how they relate: which exist, which are canonical (with their
//! translations), and where the language switcher leads. Their URLs are in [`crate::urls`].

use crate::ids::{ArticleId, AudienceId, CategoryId, LangId};
use crate::model::Site;

/// Every page the site has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Page {
    /// `/`: the language chooser.
    Root,
    /// `/404.html`.
    RootNotFound,
    Home(LangId),
    NotFound(LangId),
    Contact(LangId),
    Thanks(LangId),
    Search(LangId),
    Section(LangId, AudienceId),
    Category(LangId, CategoryId),
    Article(LangId, ArticleId),
}

impl Page {
    /// The language the page is in (`None` for the root pages, which are in none).
    pub fn language(self) -> Option<LangId> {
        match self {
            Page::Root | Page::RootNotFound => None,
            Page::Home(l)
            | Page::NotFound(l)
            | Page::Contact(l)
            | Page::Thanks(l)
            | Page::Search(l)
            | Page::Section(l, _)
            | Page::Category(l, _)
            | Page::Article(l, _) => Some(l),
        }
    }
}

impl Site {
    /// Every page, language by language.
    pub fn pages(&self) -> Vec<Page> {
        let mut pages = vec![Page::Root, Page::RootNotFound];
        for l in self.languages.keys() {
            pages.extend([
                Page::Home(l),
                Page::NotFound(l),
                Page::Contact(l),
                Page::Thanks(l),
                Page::Search(l),
            ]);
            pages.extend(self.audiences.keys().map(|a| Page::Section(l, a)));
            pages.extend(self.categories.keys().map(|c| Page::Category(l, c)));
            pages.extend(self.articles.keys().map(|a| Page::Article(l, a)));
        }
        pages
    }

    /// Pages that are their own canonical version (the sitemap lists exactly these), with their
    /// translations.
    pub fn canonical_alternates(&self, page: Page) -> Option<Vec<(LangId, Page)>> {
        let all =
            |f: &dyn Fn(LangId) -> Page| Some(self.languages.keys().map(|l| (l, f(l))).collect());
        match page {
            Page::Home(_) => all(&Page::Home),
            Page::Contact(_) => all(&Page::Contact),
            Page::Section(_, a) => all(&|l| Page::Section(l, a)),
            Page::Category(_, c) => all(&|l| Page::Category(l, c)),
            Page::Article(l, a) if self.is_translated(l, a) => Some(
                self.languages
                    .keys()
                    .filter(|&x| self.is_translated(x, a))
                    .map(|x| (x, Page::Article(x, a)))
                    .collect(),
            ),
            _ => None,
        }
    }

    /// The same page in language `x`, or its nearest parent there when it is not translated.
    pub fn switch_target(&self, page: Page, x: LangId) -> Page {
        match page {
            Page::Root | Page::RootNotFound => Page::Home(x),
            Page::Home(_) => Page::Home(x),
            Page::NotFound(_) => Page::NotFound(x),
            Page::Contact(_) => Page::Contact(x),
            Page::Thanks(_) => Page::Thanks(x),
            Page::Search(_) => Page::Search(x),
            Page::Section(_, a) => Page::Section(x, a),
            Page::Category(_, c) => Page::Category(x, c),
            Page::Article(_, a) if self.is_translated(x, a) => Page::Article(x, a),
            Page::Article(_, a) => Page::Category(x, self.articles[a].category),
        }
    }
}
