//! Deadline limits (docs/DOMAIN.md §6): defaults, configurable per deployment and per instansi.

use crate::ids::OrgId;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How hard a report is to resolve; sets the optional completion clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Complexity {
    Ringan,
    Normatif,
    TidakBerkadarPengawasan,
    BerkadarPengawasan,
}

impl Complexity {
    pub const ALL: [Complexity; 4] =
        [Complexity::Ringan, Complexity::Normatif, Complexity::TidakBerkadarPengawasan, Complexity::BerkadarPengawasan];

    pub fn as_str(self) -> &'static str {
        match self {
            Complexity::Ringan => "ringan",
            Complexity::Normatif => "normatif",
            Complexity::TidakBerkadarPengawasan => "tidak_berkadar_pengawasan",
            Complexity::BerkadarPengawasan => "berkadar_pengawasan",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Complexity::ALL.into_iter().find(|c| c.as_str() == s.trim())
    }
}

/// Limits in working days (calendar days for the Ombudsman flag and the appeal window).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    pub verification: u32,
    pub follow_up: u32,
    pub auto_close: u32,
    pub info_expiry: u32,
    pub completion_ringan: u32,
    pub completion_normatif: u32,
    pub completion_tidak_berkadar_pengawasan: u32,
    pub completion_berkadar_pengawasan: u32,
    pub ombudsman_calendar_days: u32,
    pub appeal_calendar_days: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            verification: 3,
            follow_up: 5,
            auto_close: 10,
            info_expiry: 10,
            completion_ringan: 2,
            completion_normatif: 5,
            completion_tidak_berkadar_pengawasan: 14,
            completion_berkadar_pengawasan: 60,
            ombudsman_calendar_days: 60,
            appeal_calendar_days: 30,
        }
    }
}

impl Limits {
    /// Longest limit accepted, in days: a year.
    pub const MAX_DAYS: u32 = 366;

    /// Every limit between 1 day and a year: a limit of 0 would be overdue at once.
    pub fn check(&self) -> Result<(), crate::refusal::Refusal> {
        let all = [
            ("verification", self.verification),
            ("follow_up", self.follow_up),
            ("auto_close", self.auto_close),
            ("info_expiry", self.info_expiry),
            ("completion_ringan", self.completion_ringan),
            ("completion_normatif", self.completion_normatif),
            ("completion_tidak_berkadar_pengawasan", self.completion_tidak_berkadar_pengawasan),
            ("completion_berkadar_pengawasan", self.completion_berkadar_pengawasan),
            ("ombudsman_calendar_days", self.ombudsman_calendar_days),
            ("appeal_calendar_days", self.appeal_calendar_days),
        ];
        match all.into_iter().find(|(_, days)| !(1..=Self::MAX_DAYS).contains(days)) {
            Some((field, _)) => {
                Err(crate::refusal::Refusal::invalid(field, format!("between 1 and {} days", Self::MAX_DAYS)))
            }
            None => Ok(()),
        }
    }

    pub fn completion(&self, c: Complexity) -> u32 {
        match c {
            Complexity::Ringan => self.completion_ringan,
            Complexity::Normatif => self.completion_normatif,
            Complexity::TidakBerkadarPengawasan => self.completion_tidak_berkadar_pengawasan,
            Complexity::BerkadarPengawasan => self.completion_berkadar_pengawasan,
        }
    }
}

/// The deployment's limits plus the overrides some instansi have.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaPolicy {
    pub defaults: Limits,
    pub per_instansi: HashMap<OrgId, Limits>,
}

impl SlaPolicy {
    pub fn limits_for(&self, instansi: Option<OrgId>) -> &Limits {
        instansi.and_then(|i| self.per_instansi.get(&i)).unwrap_or(&self.defaults)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_between_a_day_and_a_year() {
        assert_eq!(Limits::default().check(), Ok(()));
        assert!(Limits { follow_up: 0, ..Limits::default() }.check().is_err());
        assert!(Limits { ombudsman_calendar_days: 367, ..Limits::default() }.check().is_err());
        assert_eq!(Limits { verification: 1, appeal_calendar_days: 366, ..Limits::default() }.check(), Ok(()));
    }
}
