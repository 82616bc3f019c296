//! The storage conformance suite on PostgreSQL, each test in a database of its own.
//! Runs when ADUAN_TEST_POSTGRES_URL is set; skipped otherwise, except in CI.

mod common;

use aduan_store::Store;
use std::sync::Arc;

async fn fresh(test: &str) -> Option<Arc<dyn Store>> {
    common::fresh_store(test).await
}

aduan_store::conformance_tests!(fresh);
