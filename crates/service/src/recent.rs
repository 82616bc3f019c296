//! Results worth reusing for a while: figures summed from many cells, read by every
//! visitor of the public statistics. An entry serves while no report changed in this
//! process since it was made — every filing and action counts as a change — and for at
//! most its time to live, which bounds how long a change made by another process (a
//! second server, a command) can go unseen.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A change counter: every report change in this process moves it on.
#[derive(Default)]
pub struct Changes(AtomicU64);

impl Changes {
    pub fn note(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    pub fn now(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// An entry: the generation and instant it was made at, and the value.
type Entry<V> = (u64, Instant, Arc<V>);

pub struct Recent<K, V> {
    entries: Mutex<HashMap<K, Entry<V>>>,
    ttl: Duration,
    capacity: usize,
}

impl<K: Hash + Eq + Clone, V> Recent<K, V> {
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Recent { entries: Mutex::new(HashMap::new()), ttl, capacity }
    }

    /// The entry for `key` if it was made at `generation` and is young enough.
    pub fn get(&self, key: &K, generation: u64) -> Option<Arc<V>> {
        let entries = self.entries.lock().ok()?;
        let (made_at, made, value) = entries.get(key)?;
        (*made_at == generation && made.elapsed() < self.ttl).then(|| Arc::clone(value))
    }

    /// Keeps `value` for `key`, made at `generation`; when full, the stale entries go
    /// first, then any.
    pub fn put(&self, key: K, generation: u64, value: Arc<V>) {
        let Ok(mut entries) = self.entries.lock() else { return };
        if entries.len() >= self.capacity {
            let ttl = self.ttl;
            entries.retain(|_, (g, made, _)| *g == generation && made.elapsed() < ttl);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(key, (generation, Instant::now(), value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_or_age_ends_an_entry() {
        let changes = Changes::default();
        let recent: Recent<u8, &str> = Recent::new(Duration::from_secs(60), 2);
        recent.put(1, changes.now(), Arc::new("satu"));
        assert_eq!(recent.get(&1, changes.now()).as_deref(), Some(&"satu"));
        changes.note();
        assert!(recent.get(&1, changes.now()).is_none(), "a report changed since");
        let young: Recent<u8, &str> = Recent::new(Duration::ZERO, 2);
        young.put(1, changes.now(), Arc::new("satu"));
        assert!(young.get(&1, changes.now()).is_none(), "too old");
        for k in 0..5 {
            recent.put(k, changes.now(), Arc::new("x"));
        }
        assert!(recent.entries.lock().map(|e| e.len()).unwrap_or(0) <= 2, "bounded");
    }
}
