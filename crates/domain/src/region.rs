//! Kemendagri region codes: `64` (province), `64.08` (kabupaten/kota), `64.08.01`
//! (kecamatan), `64.08.01.2001` (desa/kelurahan).

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    Province,
    Regency,
    District,
    Village,
}

/// A syntactically valid region code. Whether it exists is a question for the region
/// directory, not for the type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a region code like 64, 64.08, 64.08.01 or 64.08.01.2001")]
pub struct BadRegionCode(pub String);

impl RegionCode {
    pub fn parse(s: &str) -> Result<Self, BadRegionCode> {
        let s = s.trim();
        let parts: Vec<&str> = s.split('.').collect();
        let widths = [2, 2, 2, 4];
        let valid = !parts.is_empty()
            && parts.len() <= 4
            && parts.iter().zip(widths).all(|(p, w)| p.len() == w && p.bytes().all(|b| b.is_ascii_digit()));
        if valid { Ok(Self(s.to_string())) } else { Err(BadRegionCode(s.to_string())) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> RegionLevel {
        match self.0.bytes().filter(|b| *b == b'.').count() {
            0 => RegionLevel::Province,
            1 => RegionLevel::Regency,
            2 => RegionLevel::District,
            _ => RegionLevel::Village,
        }
    }

    pub fn parent(&self) -> Option<RegionCode> {
        self.0.rfind('.').map(|i| RegionCode(self.0[..i].to_string()))
    }

    /// The code at a coarser level (itself when already at or above that level).
    pub fn at_level(&self, level: RegionLevel) -> RegionCode {
        let keep = match level {
            RegionLevel::Province => 1,
            RegionLevel::Regency => 2,
            RegionLevel::District => 3,
            RegionLevel::Village => 4,
        };
        RegionCode(self.0.split('.').take(keep).collect::<Vec<_>>().join("."))
    }

    pub fn province(&self) -> RegionCode {
        self.at_level(RegionLevel::Province)
    }

    /// True when `self` is `other` or lies inside it.
    pub fn is_within(&self, other: &RegionCode) -> bool {
        self.0 == other.0 || (self.0.starts_with(&other.0) && self.0.as_bytes().get(other.0.len()) == Some(&b'.'))
    }

    /// Itself and every coarser code, most specific first.
    pub fn lineage(&self) -> Vec<RegionCode> {
        let mut out = vec![self.clone()];
        let mut cur = self.parent();
        while let Some(c) = cur {
            cur = c.parent();
            out.push(c);
        }
        out
    }
}

impl TryFrom<String> for RegionCode {
    type Error = BadRegionCode;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        RegionCode::parse(&s)
    }
}

impl From<RegionCode> for String {
    fn from(c: RegionCode) -> String {
        c.0
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_level() {
        assert_eq!(RegionCode::parse("64").unwrap().level(), RegionLevel::Province);
        assert_eq!(RegionCode::parse("64.08").unwrap().level(), RegionLevel::Regency);
        assert_eq!(RegionCode::parse("64.08.01").unwrap().level(), RegionLevel::District);
        let v = RegionCode::parse("64.08.01.2001").unwrap();
        assert_eq!(v.level(), RegionLevel::Village);
        assert_eq!(v.province().as_str(), "64");
        assert_eq!(v.at_level(RegionLevel::Regency).as_str(), "64.08");
        assert_eq!(v.lineage().len(), 4);
    }

    #[test]
    fn refuses_malformed_codes() {
        for bad in ["", "6", "640", "64.8", "64.08.1", "64.08.01.201", "64.08.01.2001.1", "ab", "64-08"] {
            assert!(RegionCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn containment_respects_segment_boundaries() {
        let kutim = RegionCode::parse("64.08").unwrap();
        assert!(RegionCode::parse("64.08.01.2001").unwrap().is_within(&kutim));
        assert!(kutim.is_within(&kutim));
        assert!(!RegionCode::parse("64.09").unwrap().is_within(&kutim));
        assert!(!RegionCode::parse("64").unwrap().is_within(&kutim));
    }
}
