//! Front matter values with rules beyond their YAML type: a title is never empty, `updated` is a
//! date of the calendar, a slug is one URL segment. Used as `deserialize_with`, so a broken value
//! is reported like any other YAML error: at its line, with how to fix it.

use std::fmt;

use jiff::civil::Date;
use serde::de::Visitor;
use serde::Deserializer;

/// Separates message and hint in the text of a serde error, so that
/// [`super::parse`] can give each rule's own hint (serde errors carry only text).
pub(crate) const HINT: char = '\u{1f}';

/// Why a value breaks its rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    #[error("must not be empty")]
    EmptyTitle,
    #[error("`{0}` is not a date written YYYY-MM-DD")]
    DateFormat(String),
    #[error("`{text}` is not a date: {month_name} {year} has {days} days")]
    NoSuchDay {
        text: String,
        year: i16,
        month: i8,
        month_name: &'static str,
        days: i8,
    },
    #[error("`{text}` is not a date: there is no month {month}")]
    NoSuchMonth { text: String, month: i8 },
    #[error("`{slug}` is not a URL segment: {reason}")]
    Slug { slug: String, reason: String },
    #[error("`{alias}` is not an old path of this help center: {reason}")]
    Alias { alias: String, reason: String },
}

impl Invalid {
    pub fn hint(&self) -> String {
        match self {
            Invalid::EmptyTitle => {
                "write the title after `title:`: it names the page in navigation, search results and the ticket form".into()
            }
            Invalid::DateFormat(_) | Invalid::NoSuchMonth { .. } => {
                "write the date as YYYY-MM-DD, e.g. `updated: 2026-03-14`".into()
            }
            Invalid::NoSuchDay {
                year, month, days, ..
            } => format!(
                "write an existing date as YYYY-MM-DD, e.g. `updated: {year:04}-{month:02}-{days:02}` for the last day of that month"
            ),
            Invalid::Slug { .. } => SLUG_RULE.into(),
            Invalid::Alias { .. } => ALIAS_RULE.into(),
        }
    }

    fn into_serde<E: serde::de::Error>(self) -> E {
        E::custom(format_args!("{self}{HINT}{}", self.hint()))
    }
}

/// The slug rule, as writers read it (README.md, section Content format, says the same).
pub const SLUG_RULE: &str = "a slug is lowercase letters (of any script) and digits, in words joined by single `-`, e.g. `reset-password` or `смена-пароля`: no capitals, spaces, `/`, `?`, `#`, `%`, `.` or other punctuation";

/// The alias rule, as writers read it.
pub const ALIAS_RULE: &str = "an alias is the old path of this article under its language, as its URL had it after `/<language>/`, e.g. `users/account/old-name`: no language, no leading `/`, no `..`, no address of another site";

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A `title`: text that is not blank (`title:` alone is blank too).
pub fn title<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_str(Checked("a title", |title: &str| {
        (!title.trim().is_empty())
            .then(|| title.to_string())
            .ok_or(Invalid::EmptyTitle)
    }))
}

/// An optional `YYYY-MM-DD` date.
pub fn date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
    d.deserialize_option(Optional(Checked("a date written YYYY-MM-DD", parse_date)))
}

/// An optional `slug`.
pub fn slug<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_option(Optional(Checked("a slug", |slug: &str| {
        check_slug(slug).map(|()| slug.to_string())
    })))
}

/// `aliases`: old paths of the article, each checked by [`check_alias`] and kept without
/// surrounding slashes.
pub fn aliases<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct Alias(String);
    impl<'de> serde::Deserialize<'de> for Alias {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_str(Checked(
                "an old path like `users/account/old-name`",
                check_alias,
            ))
            .map(Alias)
        }
    }
    let all: Vec<Alias> = serde::Deserialize::deserialize(d)?;
    Ok(all.into_iter().map(|a| a.0).collect())
}

/// Whether `alias` can be an old path of a page of this help center; the path without the
/// slash at its end. (That it is not another language's path needs the settings: the model.)
pub fn check_alias(alias: &str) -> Result<String, Invalid> {
    let reason = |reason: &str| {
        Err(Invalid::Alias {
            alias: alias.to_string(),
            reason: reason.to_string(),
        })
    };
    let has_scheme = alias
        .split_once(':')
        .is_some_and(|(scheme, _)| !scheme.is_empty() && !scheme.contains('/'));
    if alias.starts_with("//") || has_scheme {
        return reason("it is an absolute URL; an alias is a path of this help center");
    }
    if alias.starts_with('/') {
        return reason("it starts with `/`; write it without the leading slash and language");
    }
    let path = alias.strip_suffix('/').unwrap_or(alias);
    if path.is_empty() {
        return reason("it is empty");
    }
    for segment in path.split('/') {
        match segment {
            "" => return reason("it has an empty segment (`//`)"),
            "." | ".." => return reason("it has a `.` or `..` segment"),
            _ => {}
        }
        if let Some(c) = segment.chars().find(|&c| !is_path_char(c)) {
            return reason(&format!("{} is not allowed", CharName(c)));
        }
    }
    Ok(path.to_string())
}

/// Characters a path segment keeps as they are in a URL, a file name and a `_redirects` line:
/// letters and digits of any script, and `-`, `_`, `.`, `~`.
fn is_path_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '~')
}

/// Text checked by a rule. The check runs inside the visitor, so that serde_norway gives its
/// error the value's line and path.
struct Checked<F>(&'static str, F);

impl<'de, T, F: FnOnce(&str) -> Result<T, Invalid>> Visitor<'de> for Checked<F> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<T, E> {
        (self.1)(text).map_err(Invalid::into_serde)
    }
}

/// An optional value: absent, `~` or empty is `None`.
struct Optional<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for Optional<V> {
    type Value = Option<V::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self.0).map(Some)
    }
}

/// A date of the calendar written `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<Date, Invalid> {
    let format = || Invalid::DateFormat(text.to_string());
    fn digits(part: &str, len: usize) -> Option<&str> {
        (part.len() == len && part.bytes().all(|b| b.is_ascii_digit())).then_some(part)
    }
    let mut parts = text.split('-');
    let (Some(y), Some(m), Some(d), None) = (
        parts.next().and_then(|p| digits(p, 4)),
        parts.next().and_then(|p| digits(p, 2)),
        parts.next().and_then(|p| digits(p, 2)),
        parts.next(),
    ) else {
        return Err(format());
    };
    // Four and two ASCII digits always fit.
    let (year, month, day): (i16, i8, i8) = match (y.parse(), m.parse(), d.parse()) {
        (Ok(y), Ok(m), Ok(d)) => (y, m, d),
        _ => return Err(format()),
    };
    let Some(month_name) = month
        .checked_sub(1)
        .and_then(|i| MONTHS.get(usize::try_from(i).ok()?))
    else {
        return Err(Invalid::NoSuchMonth {
            text: text.to_string(),
            month,
        });
    };
    let first = Date::new(year, month, 1).map_err(|_| format())?;
    Date::new(year, month, day).map_err(|_| Invalid::NoSuchDay {
        text: text.to_string(),
        year,
        month,
        month_name,
        days: first.days_in_month(),
    })
}

/// Whether `slug` can be one segment of a URL as it is (see [`SLUG_RULE`]).
pub fn check_slug(slug: &str) -> Result<(), Invalid> {
    let reason = |reason: String| {
        Err(Invalid::Slug {
            slug: slug.to_string(),
            reason,
        })
    };
    if slug.is_empty() {
        return reason("it is empty".into());
    }
    if let Some(c) = slug.chars().find(|&c| !is_slug_char(c)) {
        return reason(format!("{} is not allowed", CharName(c)));
    }
    if slug.starts_with('-') || slug.ends_with('-') || slug.contains("--") {
        return reason("`-` goes between words, one at a time".into());
    }
    Ok(())
}

/// Lowercase letters of any script (scripts without case count as lowercase), their combining
/// marks (Devanagari, Thai, Vietnamese written decomposed…), digits and `-`.
fn is_slug_char(c: char) -> bool {
    c == '-'
        || (c.is_alphanumeric() && !c.is_uppercase())
        || unicode_normalization::char::is_combining_mark(c)
}

/// A character as a message names it: invisible ones by name.
struct CharName(char);

impl fmt::Display for CharName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            ' ' => f.write_str("a space"),
            c if c.is_whitespace() || c.is_control() => write!(f, "U+{:04X}", c as u32),
            c if c.is_uppercase() => write!(f, "`{c}` (a capital)"),
            c => write!(f, "`{c}`"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_days_of_the_calendar() {
        assert_eq!(
            parse_date("2026-03-07").unwrap(),
            jiff::civil::date(2026, 3, 7)
        );
        assert_eq!(
            parse_date("2024-02-29").unwrap(),
            jiff::civil::date(2024, 2, 29)
        );
        let e = parse_date("2026-02-31").unwrap_err();
        assert_eq!(
            e.to_string(),
            "`2026-02-31` is not a date: February 2026 has 28 days"
        );
        assert!(e.hint().contains("`updated: 2026-02-28`"), "{}", e.hint());
        assert_eq!(
            parse_date("2026-13-07").unwrap_err().to_string(),
            "`2026-13-07` is not a date: there is no month 13"
        );
        for text in [
            "7 March",
            "2026-3-7",
            "26-03-07",
            "2026-03-07-01",
            "2026-03-0x",
            "",
        ] {
            assert_eq!(
                parse_date(text),
                Err(Invalid::DateFormat(text.into())),
                "{text}"
            );
        }
    }

    #[test]
    fn slugs_are_lowercase_words_of_any_script() {
        for ok in [
            "reset-password",
            "smena-parolya",
            "смена-пароля",
            "đổi-mật-khẩu",
            "إعادة-تعيين",
            "पासवर्ड-बदलें",
            "2fa",
        ] {
            assert_eq!(check_slug(ok), Ok(()), "{ok}");
        }
        for (bad, reason) in [
            ("", "it is empty"),
            ("a/b", "`/` is not allowed"),
            ("a b", "a space is not allowed"),
            ("a?b", "`?` is not allowed"),
            ("a#b", "`#` is not allowed"),
            ("100%", "`%` is not allowed"),
            ("..", "`.` is not allowed"),
            ("Reset", "`R` (a capital) is not allowed"),
            ("Смена", "`С` (a capital) is not allowed"),
            ("a\\b", "`\\` is not allowed"),
            ("-a", "`-` goes between words, one at a time"),
            ("a--b", "`-` goes between words, one at a time"),
        ] {
            assert_eq!(
                check_slug(bad),
                Err(Invalid::Slug {
                    slug: bad.into(),
                    reason: reason.into()
                }),
                "{bad}"
            );
        }
    }
}
