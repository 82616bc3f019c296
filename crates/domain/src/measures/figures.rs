//! What a dashboard shows, computed from a sum of counters, and the predicate of an
//! instansi's yearly evaluation.

use super::counters::{Counters, Field, Stage};
use crate::deadline::ClockKind;
use crate::refusal::Refusal;
use crate::status::Status;
use serde::{Deserialize, Serialize};

/// The measures of docs/DOMAIN.md §8 for one filter. Rates and shares are fractions in 0..=1,
/// `None` when nothing could be counted (a rate of 0 of 0 is not 0%).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub volume: Volume,
    /// Tingkat penyelesaian: closed ÷ verified.
    pub completion_rate: Option<f64>,
    /// Verified reports with at least one published answer ÷ verified.
    pub follow_up_rate: Option<f64>,
    /// Share of verified reports verified within the verification limit (3 WD).
    pub verified_on_time: Option<f64>,
    /// Share answered within the follow-up limit (5 WD) of forwarding, among reports whose
    /// outcome is known: answered, or unanswered and already overdue.
    pub answered_on_time: Option<f64>,
    pub to_verification: Durations,
    pub to_first_answer: Durations,
    pub to_closure: Durations,
    pub backlog: Backlog,
    pub overdue: Overdue,
    pub satisfaction: Satisfaction,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Volume {
    /// Submitted in the period.
    pub submitted: i64,
    /// Of the submitted, archived (not accepted).
    pub archived: i64,
    /// First verified in the period (and in a verified status now).
    pub verified: i64,
    /// Of the verified, answered at least once.
    pub answered: i64,
    /// Of the verified, closed now.
    pub closed: i64,
}

/// Whole working days, by nearest rank: the median is the smallest duration at least half
/// the reports did not exceed (the lower median for an even count), p90 likewise for 90%.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Durations {
    pub count: i64,
    pub median: Option<u32>,
    pub p90: Option<u32>,
}

/// Open reports by status, among those submitted in the period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backlog {
    pub submitted: i64,
    pub needs_info: i64,
    pub forwarded: i64,
    pub in_progress: i64,
    pub responded: i64,
}

impl Backlog {
    pub fn total(&self) -> i64 {
        self.submitted + self.needs_info + self.forwarded + self.in_progress + self.responded
    }
}

/// Open reports by clock marked overdue; a report late on two clocks counts in both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overdue {
    pub verification: i64,
    pub follow_up: i64,
    pub completion: i64,
    /// Flagged for the Ombudsman (60 calendar days unresolved).
    pub ombudsman: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Satisfaction {
    pub rated: i64,
    /// Mean stars (1–5).
    pub mean: Option<f64>,
    /// Share of ratings of 4 or 5.
    pub share_4_plus: Option<f64>,
}

/// `numerator ÷ denominator`, or `None` for nothing to divide by.
pub(super) fn ratio(numerator: i64, denominator: i64) -> Option<f64> {
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

/// The 1-based rank of the `percent`-th percentile among `n` sorted values (nearest rank).
pub(super) fn nearest_rank(n: i64, percent: i64) -> i64 {
    ((n * percent + 99) / 100).max(1)
}

impl Figures {
    pub fn from_counters(c: &Counters) -> Figures {
        let volume = Volume {
            submitted: c.get(Field::Submitted),
            archived: c.get(Field::Archived),
            verified: c.get(Field::Verified),
            answered: c.get(Field::Answered),
            closed: c.get(Field::Closed),
        };
        let share = |yes: Field, no: Field| ratio(c.get(yes), c.get(yes) + c.get(no));
        let open = |s: Status| c.get(Field::Open(s));
        let overdue = |k: ClockKind| c.get(Field::Overdue(k));
        let rated = c.get(Field::Rated);
        Figures {
            volume,
            completion_rate: ratio(volume.closed, volume.verified),
            follow_up_rate: ratio(volume.answered, volume.verified),
            verified_on_time: share(Field::VerifiedOnTime, Field::VerifiedLate),
            answered_on_time: share(Field::AnsweredOnTime, Field::AnsweredLate),
            to_verification: durations(c, Stage::Verification),
            to_first_answer: durations(c, Stage::FirstAnswer),
            to_closure: durations(c, Stage::Closure),
            backlog: Backlog {
                submitted: open(Status::Submitted),
                needs_info: open(Status::NeedsInfo),
                forwarded: open(Status::Forwarded),
                in_progress: open(Status::InProgress),
                responded: open(Status::Responded),
            },
            overdue: Overdue {
                verification: overdue(ClockKind::Verification),
                follow_up: overdue(ClockKind::FollowUp),
                completion: overdue(ClockKind::Completion),
                ombudsman: overdue(ClockKind::Ombudsman),
            },
            satisfaction: Satisfaction {
                rated,
                mean: ratio(c.get(Field::RatingSum), rated),
                share_4_plus: ratio(c.get(Field::RatedFourPlus), rated),
            },
        }
    }
}

fn durations(c: &Counters, stage: Stage) -> Durations {
    let count: i64 = c.histogram(stage).map(|(_, n)| n).sum();
    let at_rank = |percent| {
        let rank = nearest_rank(count, percent);
        let mut seen = 0;
        c.histogram(stage).find_map(|(days, n)| {
            seen += n;
            (seen >= rank).then_some(days)
        })
    };
    if count <= 0 {
        return Durations::default();
    }
    Durations { count, median: at_rank(50), p90: at_rank(90) }
}

/// The grade of an instansi in the yearly evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Predicate {
    Baik,
    Sedang,
    Kurang,
}

impl Predicate {
    pub fn as_str(self) -> &'static str {
        match self {
            Predicate::Baik => "baik",
            Predicate::Sedang => "sedang",
            Predicate::Kurang => "kurang",
        }
    }

    pub fn label_id(self) -> &'static str {
        match self {
            Predicate::Baik => "Baik",
            Predicate::Sedang => "Sedang",
            Predicate::Kurang => "Kurang",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Predicate::Baik => "Good",
            Predicate::Sedang => "Fair",
            Predicate::Kurang => "Poor",
        }
    }
}

/// The minimum shares (0..=1) for a grade. A share that cannot be computed (no outcome
/// known) is not held against the instansi.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bar {
    pub completion: f64,
    pub follow_up: f64,
    pub answered_on_time: f64,
}

impl Bar {
    fn is_met_by(&self, f: &Figures) -> bool {
        let at_least = |value: Option<f64>, min: f64| value.is_none_or(|v| v >= min);
        at_least(f.completion_rate, self.completion)
            && at_least(f.follow_up_rate, self.follow_up)
            && at_least(f.answered_on_time, self.answered_on_time)
    }
}

/// Configurable per deployment. The defaults:
///
/// - **Baik**: at least 80% of verified reports closed, 90% answered at all and 80% of the
///   answers within the follow-up limit. An instansi that closes four in five reports and
///   answers nearly all of them on time does what Perpres 76/2013 asks.
/// - **Sedang**: at least half closed, 70% answered, half the answers on time.
/// - **Kurang**: below that: most reports are left unresolved or unanswered.
/// - No grade with fewer than 10 verified reports: one report more or less would swing it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Thresholds {
    pub min_verified: i64,
    pub baik: Bar,
    pub sedang: Bar,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            min_verified: 10,
            baik: Bar { completion: 0.80, follow_up: 0.90, answered_on_time: 0.80 },
            sedang: Bar { completion: 0.50, follow_up: 0.70, answered_on_time: 0.50 },
        }
    }
}

impl Thresholds {
    /// Shares between 0 and 1, Sedang's bar no higher than Baik's, at least one report.
    pub fn check(&self) -> Result<(), Refusal> {
        if self.min_verified < 1 {
            return Err(Refusal::invalid("min_verified", "at least 1"));
        }
        let pairs = [
            ("completion", self.sedang.completion, self.baik.completion),
            ("follow_up", self.sedang.follow_up, self.baik.follow_up),
            ("answered_on_time", self.sedang.answered_on_time, self.baik.answered_on_time),
        ];
        for (field, sedang, baik) in pairs {
            if !(0.0..=1.0).contains(&sedang) || !(0.0..=1.0).contains(&baik) {
                return Err(Refusal::invalid(field, "a share between 0 and 1"));
            }
            if sedang > baik {
                return Err(Refusal::invalid(field, "the bar for Sedang cannot be above the bar for Baik"));
            }
        }
        Ok(())
    }
}

/// The predicate of an instansi's figures, `None` with too few verified reports to judge.
pub fn predicate(f: &Figures, t: &Thresholds) -> Option<Predicate> {
    if f.volume.verified < t.min_verified {
        None
    } else if t.baik.is_met_by(f) {
        Some(Predicate::Baik)
    } else if t.sedang.is_met_by(f) {
        Some(Predicate::Sedang)
    } else {
        Some(Predicate::Kurang)
    }
}
