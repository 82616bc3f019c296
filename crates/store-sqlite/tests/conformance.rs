//! The storage conformance suite on SQLite: each test in a database file of its own.

use aduan_store::Store;
use aduan_store_sqlite::SqliteStore;
use std::path::PathBuf;
use std::sync::Arc;

async fn fresh(test: &str) -> Option<Arc<dyn Store>> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sqlite-conformance");
    std::fs::create_dir_all(&dir).expect("test directory");
    let path = dir.join(format!("{test}.db"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    Some(Arc::new(SqliteStore::connect(&path.display().to_string()).await.expect("open")))
}

aduan_store::conformance_tests!(fresh);
