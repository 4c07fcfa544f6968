//! The dependency map of `serve`'s quick path: which pages show what of an article. Only the
//! article's text is asked about (title, summary, body); what places it on the site stays as it
//! was (see [`super::incremental`]), so the model's lists are the same before and after.

use crate::ids::ArticleId;
use crate::model::Site;
use crate::page::Page;

/// The pages that show anything of article `a`'s text, in every language: its own page (the
/// language switcher links all of them, and a missing translation shows the default's text), the
/// lists it is in (its category, its section's category boxes, the home page's popular and
/// recent), its neighbours (their previous/next links give its title) and the articles that list
/// it as related.
pub(super) fn article_text(site: &Site, a: ArticleId) -> Vec<Page> {
    let article = &site.articles[a];
    let category = &site.categories[article.category];
    let position = category.articles.iter().position(|&x| x == a);
    let neighbours = position.into_iter().flat_map(|p| {
        let before = p.checked_sub(1).and_then(|q| category.articles.get(q));
        before
            .into_iter()
            .chain(category.articles.get(p + 1))
            .copied()
    });
    let relating = site
        .articles
        .iter_enumerated()
        .filter(|(_, other)| other.related.contains(&a))
        .map(|(b, _)| b);
    let articles: Vec<ArticleId> = std::iter::once(a)
        .chain(neighbours)
        .chain(relating)
        .collect();
    let mut pages = Vec::new();
    for l in site.languages.keys() {
        pages.push(Page::Home(l));
        pages.push(Page::Section(l, category.audience));
        pages.push(Page::Category(l, article.category));
        pages.extend(articles.iter().map(|&b| Page::Article(l, b)));
    }
    pages
}
