//! `contact.timezone` and `contact.holidays`: an IANA zone checked against the time zone database
//! bundled into the binary (the same answer on every machine), and the days support is closed.
//! Both are checked while the YAML is read, so a broken value is reported at its line like any
//! other; the page's script computes "open now" from them.

use std::fmt;

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use serde::de::{SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::frontmatter::{parse_date, HINT};

/// An IANA time zone (`Europe/Rome`) that the bundled database knows.
#[derive(Debug, Clone)]
pub struct SupportZone {
    name: String,
    tz: TimeZone,
}

impl SupportZone {
    /// The zone's IANA name, which browsers' `Intl` understands too.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What visitors read next to the hours: "CET (UTC+1)", or for a zone with daylight saving
    /// in `year` "CET/CEST (UTC+1/UTC+2)", standard time first. Derived, so it never disagrees
    /// with the zone.
    pub fn label(&self, year: i16) -> String {
        // Mid-January and mid-July: one of them is in daylight saving time wherever it is kept.
        let mut seasons: Vec<Season> = [1, 7]
            .into_iter()
            .filter_map(|month| self.season(DateTime::new(year, month, 15, 12, 0, 0, 0).ok()?))
            .collect();
        seasons.sort_by_key(|s| s.dst);
        seasons.dedup();
        let names: Vec<&str> = seasons.iter().filter_map(Season::name).collect();
        let offsets: Vec<String> = seasons.iter().map(|s| utc_offset(s.seconds)).collect();
        match names.as_slice() {
            [] => offsets.join("/"),
            names => format!("{} ({})", names.join("/"), offsets.join("/")),
        }
    }

    /// The zone's abbreviation and offset at `when` (a wall-clock time in UTC).
    fn season(&self, when: DateTime) -> Option<Season> {
        let at = TimeZone::UTC.to_timestamp(when).ok()?;
        let info = self.tz.to_offset_info(at);
        Some(Season {
            dst: info.dst().is_dst(),
            abbreviation: info.abbreviation().to_string(),
            seconds: info.offset().seconds(),
        })
    }
}

/// The time a zone keeps in one part of the year.
#[derive(PartialEq)]
struct Season {
    dst: bool,
    abbreviation: String,
    seconds: i32,
}

impl Season {
    /// The abbreviation, where the database has a name rather than a number (`-03`).
    fn name(&self) -> Option<&str> {
        let numeric = self.abbreviation.starts_with(['+', '-']);
        (!numeric).then_some(self.abbreviation.as_str())
    }
}

/// `UTC+1`, `UTC+5:30`, `UTC-3`, `UTC+0`.
fn utc_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    match minutes % 60 {
        0 => format!("UTC{sign}{}", minutes / 60),
        m => format!("UTC{sign}{}:{m:02}", minutes / 60),
    }
}

impl<'de> Deserialize<'de> for SupportZone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(ZoneVisitor)
    }
}

struct ZoneVisitor;

impl Visitor<'_> for ZoneVisitor {
    type Value = SupportZone;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an IANA time zone name such as `Europe/Rome`")
    }

    fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<SupportZone, E> {
        match TimeZone::get(name) {
            // The database's spelling (it finds `europe/rome` too), which every `Intl` knows.
            Ok(tz) => Ok(SupportZone {
                name: tz.iana_name().unwrap_or(name).to_string(),
                tz,
            }),
            Err(_) => Err(E::custom(format_args!(
                "`{name}` is not a time zone of the IANA database{HINT}write an IANA zone name such as `Europe/Rome` or `America/New_York`; the label visitors read (CET/CEST) is derived from it"
            ))),
        }
    }
}

/// `contact.holidays`: a list of `YYYY-MM-DD` dates.
pub(super) fn holidays<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Date>, D::Error> {
    d.deserialize_seq(HolidaysVisitor)
}

struct HolidaysVisitor;

impl<'de> Visitor<'de> for HolidaysVisitor {
    type Value = Vec<Date>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of dates written YYYY-MM-DD")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Date>, A::Error> {
        let mut dates = Vec::new();
        while let Some(date) = seq.next_element::<HolidayDate>()? {
            dates.push(date.0);
        }
        Ok(dates)
    }
}

/// One holiday; its own type so that serde reports a bad one at its line.
struct HolidayDate(Date);

impl<'de> Deserialize<'de> for HolidayDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(HolidayDateVisitor)
    }
}

struct HolidayDateVisitor;

impl Visitor<'_> for HolidayDateVisitor {
    type Value = HolidayDate;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a holiday written YYYY-MM-DD")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<HolidayDate, E> {
        parse_date(text).map(HolidayDate).map_err(|e| {
            E::custom(format_args!(
                "holiday {e}{HINT}write each closed day as YYYY-MM-DD, e.g. `holidays: [2026-12-25, 2027-01-01]`"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(name: &str) -> SupportZone {
        SupportZone {
            name: name.into(),
            tz: TimeZone::get(name).unwrap(),
        }
    }

    #[test]
    fn labels_are_derived_from_the_zone() {
        assert_eq!(zone("Europe/Rome").label(2026), "CET/CEST (UTC+1/UTC+2)");
        assert_eq!(zone("Asia/Tokyo").label(2026), "JST (UTC+9)");
        assert_eq!(zone("Asia/Kolkata").label(2026), "IST (UTC+5:30)");
        assert_eq!(zone("UTC").label(2026), "UTC (UTC+0)");
        // Southern hemisphere: daylight saving in January, still listed second.
        assert_eq!(
            zone("Australia/Sydney").label(2026),
            "AEST/AEDT (UTC+10/UTC+11)"
        );
        // Numbers rather than names in the database: the offset alone.
        assert_eq!(zone("America/Sao_Paulo").label(2026), "UTC-3");
    }
}
