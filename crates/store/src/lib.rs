//! The storage port: what Aduan needs from a database, independent of which one.
//!
//! Each backend crate (`aduan-store-sqlite`, `aduan-store-postgres`) implements
//! [`Store`] with its own migrations and natural types, and runs the one conformance
//! suite of this crate (feature `conformance`) unchanged.
//!
//! The store persists what the domain decided; it decides nothing. Its only rule of its
//! own is the optimistic version check that makes a stale transition fail.

pub mod batch;
pub mod codec;
mod error;
pub mod measures;
mod outbox;
pub mod plan;
mod port;
mod query;
pub mod search;

#[cfg(feature = "conformance")]
pub mod conformance;

pub use error::{StoreError, StoreResult};
pub use measures::CellQuery;
pub use outbox::MessageFilter;
pub use port::{IdempotencyKey, ImportedReport, Store};
pub use query::{
    Count, Cursor, NO_DEADLINE_MICROS, Page, PageRequest, ReportFilter, ReportSummary, SHOWN_COUNT_LIMIT, Scope,
    SortOrder, no_deadline,
};
