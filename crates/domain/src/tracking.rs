//! Tracking numbers: short, readable over the phone, with a check character.
//!
//! The alphabet leaves out 0/O, 1/I/L, U (too close to V over a bad line) and Z (too
//! close to 2 in handwriting), so no two characters are look-alikes; its size, 29, is
//! prime, which lets the check character catch every single typo and neighbour swap. Eight
//! random characters and one check character, written in three groups: `K7M-P9Q-X4T`.

use serde::{Deserialize, Serialize};
use std::fmt;

const ALPHABET: &[u8; 29] = b"23456789ABCDEFGHJKMNPQRSTVWXY";
const RANDOM_LEN: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TrackingNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a tracking number (nine characters like K7M-P9Q-X4T)")]
pub struct BadTrackingNumber(pub String);

fn value_of(c: u8) -> Option<usize> {
    ALPHABET.iter().position(|&a| a == c)
}

fn check_char(body: &[u8]) -> u8 {
    // Weighted sum modulo a prime-sized alphabet catches every single substitution and
    // every swap of two neighbours.
    let sum: usize = body.iter().enumerate().map(|(i, &c)| (i + 2) * value_of(c).unwrap_or(0)).sum();
    ALPHABET[sum % ALPHABET.len()]
}

impl TrackingNumber {
    /// Builds a number from 64 random bits (the caller supplies the randomness).
    pub fn from_random(mut bits: u64) -> Self {
        let mut body = Vec::with_capacity(RANDOM_LEN + 1);
        for _ in 0..RANDOM_LEN {
            body.push(ALPHABET[(bits % ALPHABET.len() as u64) as usize]);
            bits /= ALPHABET.len() as u64;
        }
        body.push(check_char(&body));
        Self(String::from_utf8_lossy(&body).into_owned())
    }

    /// Accepts any case, with or without spaces and dashes.
    pub fn parse(s: &str) -> Result<Self, BadTrackingNumber> {
        let cleaned: Vec<u8> =
            s.bytes().filter(|b| !matches!(b, b'-' | b' ' | b'.')).map(|b| b.to_ascii_uppercase()).collect();
        let bad = || BadTrackingNumber(s.to_string());
        if cleaned.len() != RANDOM_LEN + 1 || cleaned.iter().any(|&b| value_of(b).is_none()) {
            return Err(bad());
        }
        let (body, check) = cleaned.split_at(RANDOM_LEN);
        if check_char(body) != check[0] {
            return Err(bad());
        }
        Ok(Self(String::from_utf8_lossy(&cleaned).into_owned()))
    }

    /// The compact form stored and compared: `K7MP9QX4T`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form printed for people: `K7M-P9Q-X4T`.
    pub fn display(&self) -> String {
        format!("{}-{}-{}", &self.0[0..3], &self.0[3..6], &self.0[6..9])
    }
}

impl TryFrom<String> for TrackingNumber {
    type Error = BadTrackingNumber;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        TrackingNumber::parse(&s)
    }
}

impl From<TrackingNumber> for String {
    fn from(t: TrackingNumber) -> String {
        t.0
    }
}

impl fmt::Display for TrackingNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn looks_right() {
        let t = TrackingNumber::from_random(0x1234_5678_9abc_def0);
        assert_eq!(t.as_str().len(), 9);
        assert_eq!(t.display().len(), 11);
        assert!(!t.as_str().contains(['0', '1', 'O', 'I', 'L', 'U', 'Z']));
        assert_eq!(TrackingNumber::parse(&t.display()), Ok(t.clone()));
        assert_eq!(TrackingNumber::parse(&t.display().to_lowercase()), Ok(t));
    }

    proptest! {
        #[test]
        fn round_trips(bits in any::<u64>()) {
            let t = TrackingNumber::from_random(bits);
            prop_assert_eq!(TrackingNumber::parse(t.as_str()), Ok(t));
        }

        #[test]
        fn one_wrong_character_is_caught(bits in any::<u64>(), pos in 0usize..9, shift in 1usize..29, swap in 0usize..8) {
            let t = TrackingNumber::from_random(bits);
            let mut bytes = t.as_str().as_bytes().to_vec();
            let v = value_of(bytes[pos]).unwrap();
            bytes[pos] = ALPHABET[(v + shift) % ALPHABET.len()];
            let typo = String::from_utf8(bytes).unwrap();
            prop_assert!(TrackingNumber::parse(&typo).is_err());
            let mut swapped = t.as_str().as_bytes().to_vec();
            swapped.swap(swap, swap + 1);
            if swapped[swap] != swapped[swap + 1] {
                prop_assert!(TrackingNumber::parse(&String::from_utf8(swapped).unwrap()).is_err());
            }
        }
    }
}
