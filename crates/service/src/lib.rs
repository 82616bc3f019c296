//! Aduan's use cases. Every surface (CLI, pages, API, Open311, jobs) goes through here:
//! parse at the edge, then [`App`] loads what the domain needs, lets it decide, and has
//! the store write the result — one way for every request.

mod admin;
mod app;
mod attachments;
mod auth;
mod calendar;
mod duplicates;
mod error;
mod evaluation;
mod exports;
mod images;
mod notices;
mod outbox;
mod people;
pub mod recent;
mod reports;
mod secrets;
pub mod updates;

pub use app::{App, AppOptions, Reference};
pub use attachments::{ACCEPTED_TYPES, Upload};
pub use auth::{Caller, Issued};
pub use calendar::YearStatus;
pub use duplicates::MIN_SIMILARITY;
pub use error::{AppError, AppResult};
pub use evaluation::{Dashboard, MAX_MONTHS, OrgPart, Part, RankRow, Subject, check_period};
pub use exports::{Cell, Column, MAX_EXPORT_ROWS, OpenReport, Table};
pub use notices::Media;
pub use outbox::{RESET_LIFETIME_HOURS, Reminders, VERIFY_LIFETIME_HOURS};
pub use people::{MIN_PASSWORD_LEN, hash_password, verify_password};
pub use reports::{Filed, FiledOnce, ReportView};
pub use secrets::{hash_secret, new_secret};

// The domain types of the administration and duplicate-finding use cases, for callers
// that name them without depending on the domain crate's module layout.
pub use aduan_domain::ids::TemplateId;
pub use aduan_domain::template::{AnswerTemplate, NewAnswerTemplate};
