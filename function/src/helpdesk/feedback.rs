//! `helpdesk feedback [--since YYYY-MM] [--language L] [--top N]`: what to write next — the
//! articles by helpful ratio, least helpful first (with their votes and reasons), and each
//! language's most frequent searches that found nothing. The months of the counters are summed.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use super::table::{table, Format};
use super::DeskError;
use crate::store::{FeedbackFilter, FeedbackStore};

/// One article's votes in one language, over the months asked for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArticleScore {
    pub language: String,
    pub page: String,
    pub yes: u64,
    pub no: u64,
    /// `yes / (yes + no)`.
    pub helpful_ratio: f64,
    pub reasons: BTreeMap<String, u64>,
}

/// How often one query found nothing in one language, over the months asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissedSearch {
    pub language: String,
    pub query: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeedbackReport {
    /// Least helpful first; among equals, the most voted first.
    pub articles: Vec<ArticleScore>,
    /// Per language (in code order), the most frequent first, at most `top` each.
    pub searches: Vec<MissedSearch>,
}

/// `--since`: a month, `2025-01`.
pub fn parse_month(text: &str) -> Result<String, String> {
    let text = text.trim();
    let b = text.as_bytes();
    let month = text.get(5..).and_then(|m| m.parse::<u32>().ok());
    let shape = b.len() == 7
        && b[4] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || c.is_ascii_digit());
    match (shape, month) {
        (true, Some(1..=12)) => Ok(text.to_owned()),
        _ => Err(format!("{text:?} is not a month: give one like 2025-01")),
    }
}

/// Reads the counters of `filter` and ranks them; `top` missed searches per language.
pub async fn feedback<S: FeedbackStore>(
    store: &S,
    filter: &FeedbackFilter,
    top: usize,
) -> Result<FeedbackReport, DeskError> {
    let counters = store.counters(filter).await?;
    let mut articles: BTreeMap<(String, String), ArticleScore> = BTreeMap::new();
    for v in counters.votes {
        let score = articles
            .entry((v.language.clone(), v.page.clone()))
            .or_insert_with(|| ArticleScore {
                language: v.language,
                page: v.page,
                yes: 0,
                no: 0,
                helpful_ratio: 0.0,
                reasons: BTreeMap::new(),
            });
        score.yes += v.yes;
        score.no += v.no;
        for (reason, count) in v.reasons {
            *score.reasons.entry(reason).or_default() += count;
        }
    }
    let mut articles: Vec<ArticleScore> = articles.into_values().collect();
    for a in &mut articles {
        a.helpful_ratio = a.yes as f64 / (a.yes + a.no).max(1) as f64;
    }
    articles.sort_by(|a, b| {
        (a.helpful_ratio.total_cmp(&b.helpful_ratio))
            .then((b.yes + b.no).cmp(&(a.yes + a.no)))
            .then((&a.language, &a.page).cmp(&(&b.language, &b.page)))
    });
    let mut searches: BTreeMap<(String, String), u64> = BTreeMap::new();
    for s in counters.searches {
        *searches.entry((s.language, s.query)).or_default() += s.count;
    }
    let mut searches: Vec<MissedSearch> = searches
        .into_iter()
        .map(|((language, query), count)| MissedSearch {
            language,
            query,
            count,
        })
        .collect();
    searches
        .sort_by(|a, b| (&a.language, b.count, &a.query).cmp(&(&b.language, a.count, &b.query)));
    let mut kept: BTreeMap<String, usize> = BTreeMap::new();
    searches.retain(|s| {
        let n = kept.entry(s.language.clone()).or_default();
        *n += 1;
        *n <= top
    });
    Ok(FeedbackReport { articles, searches })
}

/// Two tables (articles, then missed searches), or the report as one JSON document.
pub fn write_feedback(
    report: &FeedbackReport,
    format: Format,
    out: &mut impl Write,
) -> Result<(), DeskError> {
    if format == Format::Json {
        writeln!(out, "{}", serde_json::to_string_pretty(report)?)?;
        return Ok(());
    }
    let articles: Vec<Vec<String>> = report
        .articles
        .iter()
        .map(|a| {
            let reasons: Vec<String> = a.reasons.iter().map(|(r, n)| format!("{r} {n}")).collect();
            vec![
                a.language.clone(),
                format!("{:.0}%", a.helpful_ratio * 100.0),
                a.yes.to_string(),
                a.no.to_string(),
                reasons.join(", "),
                a.page.clone(),
            ]
        })
        .collect();
    writeln!(out, "Articles, least helpful first")?;
    let headers = ["lang", "helpful", "yes", "no", "reasons", "page"];
    write!(out, "{}", table(&headers, &articles))?;
    let searches: Vec<Vec<String>> = report
        .searches
        .iter()
        .map(|s| vec![s.language.clone(), s.count.to_string(), s.query.clone()])
        .collect();
    writeln!(out, "\nSearches that found nothing, most frequent first")?;
    write!(out, "{}", table(&["lang", "count", "query"], &searches))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months() {
        assert_eq!(parse_month(" 2025-01 ").as_deref(), Ok("2025-01"));
        for bad in [
            "2025-13",
            "2025-1",
            "2025/01",
            "25-01-01",
            "2025-00",
            "yesterday",
        ] {
            assert!(parse_month(bad).is_err(), "{bad}");
        }
    }
}
