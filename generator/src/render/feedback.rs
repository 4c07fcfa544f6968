//! The "Was this article helpful?" form at the end of every article: where it posts, what the
//! vote is counted under, the reasons a "no" may give, and the ticket link offered after one.
//! The control names are the feedback route's (`../shared/DESIGN.md`, "Visitors' feedback").

use serde::Serialize;

use crate::ids::{ArticleId, LangId};

use super::Renderer;

#[derive(Serialize)]
pub(super) struct Feedback<'a> {
    /// The ticket endpoint's `feedback` sibling.
    endpoint: String,
    language: &'a str,
    /// The article's URL path in the page's language: what the function counts the vote under.
    page: String,
    /// The contract's reasons (what the function takes with a "no"), in its order.
    reasons: Vec<Reason<'a>>,
    /// The ticket link with the article's audience and category chosen and the article as `page`.
    ticket_url: String,
}

#[derive(Serialize)]
struct Reason<'a> {
    id: &'a str,
    label: String,
}

impl Renderer<'_> {
    pub(super) fn feedback(&self, l: LangId, a: ArticleId) -> Feedback<'_> {
        let site = self.site;
        Feedback {
            endpoint: self.feedback_endpoint(),
            language: &site.languages[l].code,
            page: site.article_url(l, a),
            reasons: site
                .contract
                .feedback
                .reasons
                .iter()
                .map(|id| Reason {
                    id,
                    label: self.s(l, &format!("feedback_reason_{id}")),
                })
                .collect(),
            ticket_url: site.article_ticket_url(l, a),
        }
    }

    /// Where votes and missed searches go.
    pub(super) fn feedback_endpoint(&self) -> String {
        self.site.contract.sibling_endpoint("feedback")
    }
}
