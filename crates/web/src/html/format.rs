//! Dates and numbers in the reader's words (docs/UX.md): "Senin, 30 Maret 2026 pukul 16.00
//! WITA" / "Monday, 30 March 2026 at 16:00 WITA".

use super::lang::Lang;
use aduan_domain::time::{Timestamp, Zone, words};
use chrono::NaiveDate;

/// "30 Maret 2026".
pub fn date(lang: Lang, d: NaiveDate) -> String {
    words::date(lang.into(), d)
}

/// "Senin, 30 Maret 2026 pukul 16.00 WITA" in `zone`.
pub fn moment(lang: Lang, at: Timestamp, zone: Zone) -> String {
    words::moment(lang.into(), at, zone)
}

/// "Maret 2026".
pub fn month(lang: Lang, year: i32, m: u32) -> String {
    words::month(lang.into(), year, m)
}

/// "Mar" / "Agu".
pub fn month_short(lang: Lang, m: u32) -> &'static str {
    words::month_short(lang.into(), m)
}

/// "30 Mar 2026" style short date of an instant, in `zone`.
pub fn day_of(lang: Lang, at: Timestamp, zone: Zone) -> String {
    date(lang, zone.local_date(at))
}

/// "1.234" in Indonesian, "1,234" in English.
pub fn count(lang: Lang, n: u64) -> String {
    let digits = n.to_string();
    let sep = if lang.is_en() { ',' } else { '.' };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// A count made with bounded work: "1.234", or "1.000+" when counting stopped there.
pub fn counted(lang: Lang, c: aduan_store::Count) -> String {
    match c {
        aduan_store::Count::Exact(n) => count(lang, n),
        aduan_store::Count::AtLeast(n) => format!("{}+", count(lang, n)),
    }
}

/// A share as "87,5%" / "87.5%"; "–" when there is nothing to divide.
pub fn percent(lang: Lang, part: u64, whole: u64) -> String {
    if whole == 0 {
        return "–".into();
    }
    let value = format!("{:.1}", part as f64 * 100.0 / whole as f64);
    let value = if lang.is_en() { value } else { value.replace('.', ",") };
    format!("{value}%")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn moments_read_in_local_time_and_words() {
        // 08.00 UTC is 16.00 in Makassar time (UTC+8).
        let at = chrono::Utc.with_ymd_and_hms(2026, 3, 30, 8, 0, 0).unwrap();
        assert_eq!(moment(Lang::Id, at, Zone::Wita), "Senin, 30 Maret 2026 pukul 16.00 WITA");
        assert_eq!(moment(Lang::En, at, Zone::Wita), "Monday, 30 March 2026 at 16:00 WITA");
        // The same instant is already Tuesday in Jayapura (UTC+9) after 15.00 UTC.
        let late = chrono::Utc.with_ymd_and_hms(2026, 3, 30, 15, 30, 0).unwrap();
        assert_eq!(moment(Lang::Id, late, Zone::Wit), "Selasa, 31 Maret 2026 pukul 00.30 WIT");
        assert_eq!(moment(Lang::Id, late, Zone::Wib), "Senin, 30 Maret 2026 pukul 22.30 WIB");
    }

    #[test]
    fn numbers_use_the_readers_separators() {
        assert_eq!(count(Lang::Id, 1_234_567), "1.234.567");
        assert_eq!(count(Lang::En, 1_234_567), "1,234,567");
        assert_eq!(count(Lang::Id, 12), "12");
        assert_eq!(percent(Lang::Id, 7, 8), "87,5%");
        assert_eq!(percent(Lang::En, 7, 8), "87.5%");
        assert_eq!(percent(Lang::En, 0, 0), "–");
    }
}
