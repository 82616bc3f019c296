//! Indonesia's national holidays and cuti bersama shipped with the program.

use aduan_domain::calendar::{HolidayCalendar, parse_holiday_csv};

/// The shipped years, as `(year, file contents)`.
pub const SHIPPED: [(i32, &str); 3] = [
    (2025, include_str!("../../../data/holidays/2025.csv")),
    (2026, include_str!("../../../data/holidays/2026.csv")),
    (2027, include_str!("../../../data/holidays/2027.csv")),
];

/// The calendar of the shipped years. Years loaded by an admin are added on top of it.
pub fn shipped_calendar() -> HolidayCalendar {
    let mut calendar = HolidayCalendar::new();
    for (year, text) in SHIPPED {
        // The files are checked by the tests below; a broken one would be skipped here
        // (and show up as a year without data) rather than stop the server.
        if let Ok((parsed_year, holidays)) = parse_holiday_csv(text)
            && parsed_year == year
        {
            let _ = calendar.set_year(year, holidays);
        }
    }
    calendar
}

#[cfg(test)]
mod tests {
    use super::*;
    use aduan_domain::calendar::HolidayKind;
    use aduan_domain::time::{Timestamp, Zone};
    use chrono::NaiveDate;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn every_shipped_year_parses() {
        for (year, text) in SHIPPED {
            let (parsed, list) = parse_holiday_csv(text).expect("shipped file parses");
            assert_eq!(parsed, year);
            assert!(list.len() >= 20, "{year} has {} holidays", list.len());
        }
        let c = shipped_calendar();
        assert_eq!(c.years().collect::<Vec<_>>(), vec![2025, 2026, 2027]);
    }

    #[test]
    fn twenty_twenty_six_has_17_holidays_and_8_cuti_bersama() {
        let c = shipped_calendar();
        let list = c.holidays(2026);
        assert_eq!(list.iter().filter(|h| h.kind == HolidayKind::Public).count(), 17);
        assert_eq!(list.iter().filter(|h| h.kind == HolidayKind::CutiBersama).count(), 8);
    }

    #[test]
    fn the_idul_fitri_week_of_2026_has_no_working_day() {
        let c = shipped_calendar();
        for day in 18..=24 {
            assert!(!c.is_working_day(date(2026, 3, day)), "2026-03-{day} should not be a working day");
        }
        assert!(c.is_working_day(date(2026, 3, 17)));
        assert!(c.is_working_day(date(2026, 3, 25)));
        // Filed Tuesday 17 March 2026 at 10:00 WITA: 3 working days end Friday 27 March.
        let start: Timestamp = "2026-03-17T02:00:00Z".parse().expect("timestamp");
        let (due, assumed) = c.add_working_days(start, 3, Zone::Wita);
        assert!(assumed.is_exact());
        assert_eq!(Zone::Wita.local_date(due), date(2026, 3, 27));
        // The same in WIT and WIB.
        assert_eq!(Zone::Wit.local_date(c.add_working_days(start, 3, Zone::Wit).0), date(2026, 3, 27));
        assert_eq!(Zone::Wib.local_date(c.add_working_days(start, 1, Zone::Wib).0), date(2026, 3, 25));
    }

    #[test]
    fn twenty_twenty_eight_is_reported_as_missing() {
        let c = shipped_calendar();
        let start: Timestamp = "2027-12-28T02:00:00Z".parse().expect("timestamp");
        let (_, assumed) = c.add_working_days(start, 5, Zone::Wib);
        assert_eq!(assumed.years_without_data.into_iter().collect::<Vec<_>>(), vec![2028]);
    }
}
