//! Time as a parameter: the clock trait and Indonesia's three civil time zones.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, SubsecRound, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;

/// An instant, always in UTC inside the system.
pub type Timestamp = DateTime<Utc>;

/// Where "now" comes from. Production uses [`SystemClock`]; tests and drills use
/// [`ManualClock`] so every deadline and job can be exercised at any date.
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

/// The real wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    /// To the microsecond: what both databases keep, so a report reads back exactly as
    /// it was decided.
    fn now(&self) -> Timestamp {
        Utc::now().trunc_subsecs(6)
    }
}

/// A clock that only moves when told to.
#[derive(Debug)]
pub struct ManualClock(Mutex<Timestamp>);

impl ManualClock {
    pub fn new(at: Timestamp) -> Self {
        Self(Mutex::new(at))
    }

    pub fn set(&self, at: Timestamp) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = at;
    }

    pub fn advance(&self, by: chrono::Duration) {
        let mut now = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *now += by;
    }
}

impl Clock for ManualClock {
    /// To the microsecond, like [`SystemClock`].
    fn now(&self) -> Timestamp {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).trunc_subsecs(6)
    }
}

/// Indonesia's civil time zones. None observes daylight saving time, so each is a fixed
/// offset from UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "UPPERCASE")]
pub enum Zone {
    /// Waktu Indonesia Barat, UTC+7 (Sumatra, Java, West and Central Kalimantan).
    Wib,
    /// Waktu Indonesia Tengah, UTC+8 (Bali, Nusa Tenggara, South/East/North Kalimantan, Sulawesi).
    Wita,
    /// Waktu Indonesia Timur, UTC+9 (Maluku, Papua).
    Wit,
}

impl Zone {
    pub const ALL: [Zone; 3] = [Zone::Wib, Zone::Wita, Zone::Wit];

    pub fn offset(self) -> FixedOffset {
        match self {
            Zone::Wib => UTC_PLUS_7,
            Zone::Wita => UTC_PLUS_8,
            Zone::Wit => UTC_PLUS_9,
        }
    }

    /// The abbreviation Indonesians read on a clock: WIB, WITA, WIT.
    pub fn abbreviation(self) -> &'static str {
        match self {
            Zone::Wib => "WIB",
            Zone::Wita => "WITA",
            Zone::Wit => "WIT",
        }
    }

    /// The IANA name of a representative city.
    pub fn iana(self) -> &'static str {
        match self {
            Zone::Wib => "Asia/Jakarta",
            Zone::Wita => "Asia/Makassar",
            Zone::Wit => "Asia/Jayapura",
        }
    }

    /// The local calendar date of an instant.
    pub fn local_date(self, at: Timestamp) -> NaiveDate {
        at.with_timezone(&self.offset()).date_naive()
    }

    /// The local date and time of an instant.
    pub fn local(self, at: Timestamp) -> DateTime<FixedOffset> {
        at.with_timezone(&self.offset())
    }

    /// The last second of a local calendar day, as an instant.
    pub fn end_of_day(self, date: NaiveDate) -> Timestamp {
        let last = NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN);
        self.at_local(date.and_time(last))
    }

    /// The first second of a local calendar day, as an instant.
    pub fn start_of_day(self, date: NaiveDate) -> Timestamp {
        self.at_local(date.and_time(NaiveTime::MIN))
    }

    fn at_local(self, local: NaiveDateTime) -> Timestamp {
        // A fixed offset has exactly one mapping for every local time.
        match self.offset().from_local_datetime(&local) {
            chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
            chrono::LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
            chrono::LocalResult::None => Utc.from_utc_datetime(&local),
        }
    }
}

const fn hours_east(hours: i32) -> FixedOffset {
    match FixedOffset::east_opt(hours * 3600) {
        Some(offset) => offset,
        None => panic!("offset out of range"),
    }
}

// Evaluated at compile time: an invalid offset would fail the build, not a request.
const UTC_PLUS_7: FixedOffset = hours_east(7);
const UTC_PLUS_8: FixedOffset = hours_east(8);
const UTC_PLUS_9: FixedOffset = hours_east(9);

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.abbreviation())
    }
}

impl FromStr for Zone {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "WIB" | "ASIA/JAKARTA" | "ASIA/PONTIANAK" | "UTC+7" | "+07:00" => Ok(Zone::Wib),
            "WITA" | "ASIA/MAKASSAR" | "UTC+8" | "+08:00" => Ok(Zone::Wita),
            "WIT" | "ASIA/JAYAPURA" | "UTC+9" | "+09:00" => Ok(Zone::Wit),
            other => Err(format!("unknown time zone {other:?} (expected WIB, WITA or WIT)")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_dates_differ_across_zones_near_midnight() {
        // 16:30 UTC is 23:30 WIB, 00:30 WITA the next day, 01:30 WIT.
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 16, 30, 0).unwrap();
        assert_eq!(Zone::Wib.local_date(at), NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
        assert_eq!(Zone::Wita.local_date(at), NaiveDate::from_ymd_opt(2026, 3, 3).unwrap());
        assert_eq!(Zone::Wit.local_date(at), NaiveDate::from_ymd_opt(2026, 3, 3).unwrap());
    }

    #[test]
    fn end_of_day_is_local() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 30).unwrap();
        assert_eq!(Zone::Wita.end_of_day(d), Utc.with_ymd_and_hms(2026, 3, 30, 15, 59, 59).unwrap());
        assert_eq!(Zone::Wit.end_of_day(d), Utc.with_ymd_and_hms(2026, 3, 30, 14, 59, 59).unwrap());
    }

    #[test]
    fn parses_names() {
        assert_eq!("wita".parse::<Zone>(), Ok(Zone::Wita));
        assert_eq!("Asia/Jayapura".parse::<Zone>(), Ok(Zone::Wit));
        assert!("CET".parse::<Zone>().is_err());
    }
}

/// Dates in the reader's words (docs/UX.md): "Senin, 30 Maret 2026 pukul 16.00 WITA" /
/// "Monday, 30 March 2026 at 16:00 WITA". Pages and messages both use these.
pub mod words {
    use super::{Timestamp, Zone};
    use crate::person::Locale;
    use chrono::{Datelike, NaiveDate, Timelike};

    const DAYS_ID: [&str; 7] = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"];
    const DAYS_EN: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    /// Indonesian month names, January first.
    pub const MONTHS_ID: [&str; 12] = [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ];
    const MONTHS_EN: [&str; 12] = [
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

    /// "Maret 2026" for `month` 1–12 (`month` out of range reads as December).
    pub fn month(locale: Locale, year: i32, month: u32) -> String {
        format!("{} {year}", month_name(locale, month))
    }

    /// "Mar", "Agu", "Des": the first three letters, the abbreviation both languages use.
    pub fn month_short(locale: Locale, month: u32) -> &'static str {
        let name = month_name(locale, month);
        name.get(..3).unwrap_or(name)
    }

    fn month_name(locale: Locale, month: u32) -> &'static str {
        let months = if locale == Locale::En { MONTHS_EN } else { MONTHS_ID };
        months[(month.clamp(1, 12) - 1) as usize]
    }

    /// "30 Maret 2026".
    pub fn date(locale: Locale, d: NaiveDate) -> String {
        let months = if locale == Locale::En { MONTHS_EN } else { MONTHS_ID };
        format!("{} {} {}", d.day(), months[d.month0() as usize], d.year())
    }

    /// "Senin, 30 Maret 2026 pukul 16.00 WITA" in `zone`.
    pub fn moment(locale: Locale, at: Timestamp, zone: Zone) -> String {
        let local = zone.local(at);
        let day = local.date_naive();
        let weekday = day.weekday().num_days_from_monday() as usize;
        match locale {
            Locale::Id => format!(
                "{}, {} pukul {:02}.{:02} {}",
                DAYS_ID[weekday],
                date(locale, day),
                local.hour(),
                local.minute(),
                zone.abbreviation()
            ),
            Locale::En => format!(
                "{}, {} at {:02}:{:02} {}",
                DAYS_EN[weekday],
                date(locale, day),
                local.hour(),
                local.minute(),
                zone.abbreviation()
            ),
        }
    }
}
