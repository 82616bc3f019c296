//! The secret of a report's private follow-up link. Only its hash is stored.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// A new random secret: 32 bytes, as 64 hex characters (safe in a URL).
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares two hashes in time independent of where they differ.
pub(crate) fn same_hash(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
