//! How many list, search and statistics requests are worked on at once. Each reads a
//! bounded number of index entries and reports, then renders them; a few at a time keep
//! both cores busy, while sixty-four at once would only hold sixty-four pages in memory
//! (a page of a thousand Open311 requests is a few megabytes) and make each one wait as
//! long. The rest wait their turn in order; reading one report is never held up by it.

use tokio::sync::{Semaphore, SemaphorePermit};

/// Lists worked on at once: enough for the database's four readers and both cores.
pub const LISTS_AT_ONCE: usize = 8;

pub struct ListGate(Semaphore);

impl Default for ListGate {
    fn default() -> Self {
        ListGate(Semaphore::new(LISTS_AT_ONCE))
    }
}

impl ListGate {
    /// Waits for a place; the place is given back when the permit is dropped.
    pub async fn enter(&self) -> Option<SemaphorePermit<'_>> {
        // The semaphore is never closed, so this waits rather than fails.
        self.0.acquire().await.ok()
    }
}
