//! What the function needs to judge visitors' feedback: the fixed reasons of a "no" vote and,
//! per language, the articles a vote may name.
//!
//! The articles are kept compact (50,000 of them in a few languages stay a few MB): per language,
//! each category's URL once, with the last segments (slugs) of its articles. An article's URL is
//! its category's URL, its slug and `/` — how the generator's `urls.rs` makes it — so the
//! function never rebuilds a URL, it only splits the one the page sent.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// The reasons a visitor may give after "no", in the order the article shows them. They become
/// counter names, so they are fixed words, never free text.
pub const REASONS: [&str; 4] = ["outdated", "unclear", "not_answered", "other"];

/// Per category URL (`/en/users/account/`), the slugs of its articles.
pub type CategoryPages = BTreeMap<String, BTreeSet<String>>;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feedback {
    /// The reasons a "no" may carry (a subset of [`REASONS`], in display order).
    pub reasons: Vec<String>,
    /// Per language code, the articles of that language's pages.
    pub pages: BTreeMap<String, CategoryPages>,
}

impl Feedback {
    /// The fixed reasons and no pages yet.
    pub fn with_reasons() -> Self {
        Feedback {
            reasons: REASONS.map(str::to_owned).to_vec(),
            pages: BTreeMap::new(),
        }
    }

    /// Records the article at `url` (an article URL of `language`, as `urls.rs` made it), whose
    /// category is at `category_url`. `false` when `url` is not under `category_url`.
    pub fn add_page(&mut self, language: &str, category_url: &str, url: &str) -> bool {
        let slug = url
            .strip_prefix(category_url)
            .and_then(|rest| rest.strip_suffix('/'));
        let Some(slug) = slug.filter(|s| !s.is_empty() && !s.contains('/')) else {
            return false;
        };
        self.pages
            .entry(language.to_owned())
            .or_default()
            .entry(category_url.to_owned())
            .or_default()
            .insert(slug.to_owned())
    }

    /// Whether `page` is an article of `language` (a page of another language is not).
    pub fn has_page(&self, language: &str, page: &str) -> bool {
        let Some(rest) = page.strip_suffix('/') else {
            return false;
        };
        let Some((category, slug)) = rest.rsplit_once('/') else {
            return false;
        };
        self.pages
            .get(language)
            .and_then(|categories| categories.get(&page[..=category.len()]))
            .is_some_and(|slugs| slugs.contains(slug))
    }

    pub fn has_reason(&self, reason: &str) -> bool {
        self.reasons.iter().any(|r| r == reason)
    }

    /// What is wrong, if anything: unknown or repeated reasons, pages of unknown languages.
    pub(super) fn problem(&self, languages: &[String]) -> Option<String> {
        if let Some(r) = self.reasons.iter().find(|r| !REASONS.contains(&r.as_str())) {
            return Some(format!(
                "unknown reason `{r}` (known: {})",
                REASONS.join(", ")
            ));
        }
        if let Some(dup) = super::first_duplicate(self.reasons.iter().map(String::as_str)) {
            return Some(format!("reason `{dup}` appears twice"));
        }
        self.pages
            .keys()
            .find(|l| !languages.contains(l))
            .map(|l| format!("pages of `{l}`, which is not among the languages"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_split_at_their_category_and_kept_per_language() {
        let mut f = Feedback::with_reasons();
        let article = "/en/users/account/reset-your-password/";
        assert!(f.add_page("en", "/en/users/account/", article));
        assert!(
            !f.add_page("en", "/en/users/billing/", article),
            "not below"
        );
        assert!(f.has_page("en", article));
        assert!(!f.has_page("it", article), "another language's");
        assert!(!f.has_page("en", "/en/users/account/other/"));
        assert!(!f.has_page("en", "/en/users/account/reset-your-password"));
        assert!(!f.has_page("en", "/en/users/account/"));
        assert!(!f.has_page("en", "reset-your-password/"));
        assert!(f.has_reason("not_answered") && !f.has_reason("angry"));
    }

    #[test]
    fn fifty_thousand_articles_stay_small_and_quick_to_look_up() {
        let mut f = Feedback::with_reasons();
        let url = |c: usize, a: usize| format!("/en/users/category-{c}/how-to-do-thing-{a:05}/");
        for a in 0..50_000 {
            let c = a % 500;
            f.add_page("en", &format!("/en/users/category-{c}/"), &url(c, a));
        }
        // As the generator writes it (pretty): about 30 bytes an article.
        let written = serde_json::to_string_pretty(&f).unwrap().len();
        assert!(written < 50_000 * 40, "{written} bytes");
        let started = std::time::Instant::now();
        assert!((0..50_000).all(|a| f.has_page("en", &url(a % 500, a))));
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn reasons_are_the_fixed_words_and_pages_known_languages() {
        let langs = vec!["en".to_string()];
        let mut f = Feedback::with_reasons();
        assert_eq!(f.problem(&langs), None);
        f.add_page("it", "/it/users/account/", "/it/users/account/x/");
        assert!(f.problem(&langs).unwrap().contains("`it`"));
        let mut f = Feedback::with_reasons();
        f.reasons.push("free text".into());
        assert!(f.problem(&langs).unwrap().contains("unknown reason"));
    }
}
