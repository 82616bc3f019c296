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
mod port;
mod query;

#[cfg(feature = "conformance")]
pub mod conformance;

pub use error::{StoreError, StoreResult};
pub use measures::CellQuery;
pub use outbox::MessageFilter;
pub use port::{IdempotencyKey, ImportedReport, Store};
pub use query::{
    Cursor, NO_DEADLINE_MICROS, Page, PageRequest, ReportFilter, ReportSummary, Scope, SortOrder, no_deadline,
};
