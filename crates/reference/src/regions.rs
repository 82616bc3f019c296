//! Kemendagri regions: 38 provinces, 514 kabupaten/kota, 7,285 kecamatan and 83,762
//! desa/kelurahan, with coordinates where known and each province's time zone.

use aduan_domain::region::{RegionCode, RegionLevel};
use aduan_domain::report::GeoPoint;
use aduan_domain::time::Zone;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

const PROVINCES: &str = include_str!("../../../data/regions/provinces.csv");
const REGENCIES: &str = include_str!("../../../data/regions/regencies.csv");
const DISTRICTS: &str = include_str!("../../../data/regions/districts.csv");
const VILLAGES: &str = include_str!("../../../data/regions/villages.csv");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RegionKind {
    Provinsi,
    Kabupaten,
    Kota,
    Kecamatan,
    Desa,
    Kelurahan,
}

impl RegionKind {
    /// The word put before the name: "Kabupaten Kutai Timur", "Kecamatan Sangatta Utara".
    pub fn prefix(self) -> &'static str {
        match self {
            RegionKind::Provinsi => "Provinsi",
            RegionKind::Kabupaten => "Kabupaten",
            RegionKind::Kota => "Kota",
            RegionKind::Kecamatan => "Kecamatan",
            RegionKind::Desa => "Desa",
            RegionKind::Kelurahan => "Kelurahan",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    pub code: RegionCode,
    pub kind: RegionKind,
    pub name: String,
    pub capital: Option<String>,
    pub point: Option<GeoPoint>,
    pub zone: Zone,
}

impl Region {
    pub fn level(&self) -> RegionLevel {
        self.code.level()
    }

    /// "Kabupaten Kutai Timur".
    pub fn full_name(&self) -> String {
        format!("{} {}", self.kind.prefix(), self.name)
    }
}

/// Every region in one vector sorted by code: a code's whole subtree follows it
/// ("64.08" < "64.08.01" < "64.08.01.2001" < "64.08.02"), so a lookup is a binary search
/// and a region's children lie in the run after it. A third of the memory of maps keyed
/// by code (about 13 MB for the 91,599 regions).
pub struct RegionDirectory {
    regions: Vec<Region>,
}

#[derive(Deserialize)]
struct Row {
    code: String,
    #[serde(default)]
    kind: Option<String>,
    name: String,
    #[serde(default)]
    capital: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    #[serde(default)]
    time_zone: Option<String>,
}

#[derive(Debug)]
pub struct RegionDataError(pub String);

impl RegionDirectory {
    fn parse() -> Result<Self, RegionDataError> {
        let mut regions = Vec::new();
        let mut zones: HashMap<String, Zone> = HashMap::new();
        for (file, text) in
            [("provinces", PROVINCES), ("regencies", REGENCIES), ("districts", DISTRICTS), ("villages", VILLAGES)]
        {
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            for row in reader.deserialize::<Row>() {
                let row = row.map_err(|e| RegionDataError(format!("{file}: {e}")))?;
                let code = RegionCode::parse(&row.code).map_err(|e| RegionDataError(format!("{file}: {e}")))?;
                let kind = match (code.level(), row.kind.as_deref()) {
                    (RegionLevel::Province, _) => RegionKind::Provinsi,
                    (RegionLevel::Regency, Some("kota")) => RegionKind::Kota,
                    (RegionLevel::Regency, _) => RegionKind::Kabupaten,
                    (RegionLevel::District, _) => RegionKind::Kecamatan,
                    (RegionLevel::Village, Some("kelurahan")) => RegionKind::Kelurahan,
                    (RegionLevel::Village, _) => RegionKind::Desa,
                };
                let province = code.province();
                let zone = match row.time_zone.as_deref() {
                    Some(z) => {
                        let z: Zone = z.parse().map_err(|e: String| RegionDataError(format!("{file}: {e}")))?;
                        zones.insert(province.as_str().to_string(), z);
                        z
                    }
                    None => *zones
                        .get(province.as_str())
                        .ok_or_else(|| RegionDataError(format!("{file}: {code} has no province")))?,
                };
                let point = match (row.lat, row.lon) {
                    (Some(lat), Some(lon)) => GeoPoint::parse(lat, lon).ok(),
                    _ => None,
                };
                let capital = row.capital.filter(|c| !c.is_empty());
                regions.push(Region { code, kind, name: row.name, capital, point, zone });
            }
        }
        regions.sort_by(|a, b| a.code.as_str().cmp(b.code.as_str()));
        regions.shrink_to_fit();
        let dir = RegionDirectory { regions };
        for pair in dir.regions.windows(2) {
            if pair[0].code == pair[1].code {
                return Err(RegionDataError(format!("{} appears twice", pair[0].code)));
            }
        }
        for r in &dir.regions {
            if let Some(parent) = r.code.parent()
                && !dir.contains(&parent)
            {
                return Err(RegionDataError(format!("{} has no parent {parent}", r.code)));
            }
        }
        Ok(dir)
    }

    pub fn get(&self, code: &RegionCode) -> Option<&Region> {
        self.lookup(code.as_str())
    }

    pub fn lookup(&self, code: &str) -> Option<&Region> {
        let code = code.trim();
        self.regions.binary_search_by(|r| r.code.as_str().cmp(code)).ok().map(|i| &self.regions[i])
    }

    pub fn contains(&self, code: &RegionCode) -> bool {
        self.get(code).is_some()
    }

    pub fn provinces(&self) -> impl Iterator<Item = &Region> {
        self.next_level(String::new())
    }

    pub fn children(&self, code: &RegionCode) -> impl Iterator<Item = &Region> {
        self.next_level(format!("{}.", code.as_str()))
    }

    /// The regions one level below `prefix` ("" for the provinces). In code order a region's
    /// descendants follow it, so each child is one binary search past the previous one
    /// instead of a walk over every village below (pages list these on every request).
    fn next_level(&self, prefix: String) -> impl Iterator<Item = &Region> {
        let mut i = self.regions.partition_point(|r| r.code.as_str() < prefix.as_str());
        std::iter::from_fn(move || {
            let child = self.regions.get(i).filter(|r| r.code.as_str().starts_with(&prefix))?;
            // '/' sorts just after '.', so "32.01/" is past every "32.01.…".
            let past = format!("{}/", child.code.as_str());
            i += self.regions[i..].partition_point(|r| r.code.as_str() < past.as_str());
            Some(child)
        })
    }

    pub fn count(&self, level: RegionLevel) -> usize {
        self.regions.iter().filter(|r| r.level() == level).count()
    }

    pub fn len(&self) -> usize {
        self.regions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.regions.is_empty()
    }

    pub fn zone_of(&self, code: &RegionCode) -> Option<Zone> {
        self.get(code).map(|r| r.zone)
    }

    /// "Desa X, Kecamatan Y, Kabupaten Z, Provinsi W" — most specific first.
    pub fn describe(&self, code: &RegionCode) -> String {
        code.lineage().iter().filter_map(|c| self.get(c)).map(Region::full_name).collect::<Vec<_>>().join(", ")
    }
}

/// The directory, parsed on first use. `None` only if the compiled-in data is broken,
/// which the tests of this crate rule out.
pub fn regions() -> &'static RegionDirectory {
    static DIR: OnceLock<RegionDirectory> = OnceLock::new();
    DIR.get_or_init(|| {
        RegionDirectory::parse().unwrap_or_else(|e| {
            // Keep serving without region names rather than crash; the tests make sure
            // this never happens with the shipped files.
            eprintln!("region data is broken: {}", e.0);
            RegionDirectory { regions: Vec::new() }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_counts_match_kepmendagri_2025() {
        let dir = RegionDirectory::parse().expect("region data parses");
        assert_eq!(dir.count(RegionLevel::Province), 38);
        assert_eq!(dir.count(RegionLevel::Regency), 514);
        assert_eq!(dir.count(RegionLevel::District), 7_285);
        assert_eq!(dir.count(RegionLevel::Village), 83_762);
    }

    #[test]
    fn kutai_timur_is_in_east_kalimantan_on_wita() {
        let dir = regions();
        let kutim = dir.lookup("64.08").expect("Kutai Timur");
        assert_eq!(kutim.full_name(), "Kabupaten Kutai Timur");
        assert_eq!(kutim.zone, Zone::Wita);
        assert_eq!(dir.lookup("64").map(|p| p.name.as_str()), Some("Kalimantan Timur"));
        assert!(dir.children(&kutim.code).count() >= 18);
        let village = dir.children(&RegionCode::parse("64.08.01").expect("code")).next().expect("a desa");
        assert!(dir.describe(&village.code).ends_with("Kabupaten Kutai Timur, Provinsi Kalimantan Timur"));
    }

    #[test]
    fn children_are_the_next_level_only() {
        let dir = regions();
        let kutim = RegionCode::parse("64.08").expect("code");
        let districts: Vec<&Region> = dir.children(&kutim).collect();
        assert!(districts.iter().all(|d| d.level() == RegionLevel::District && d.code.parent() == Some(kutim.clone())));
        let villages: usize = districts.iter().map(|d| dir.children(&d.code).count()).sum();
        assert!(villages > districts.len());
        assert_eq!(dir.provinces().count(), 38);
        // The walk that skips subtrees finds exactly the regions whose parent is the code.
        let codes = |it: &mut dyn Iterator<Item = &Region>| it.map(|r| r.code.as_str().to_string()).collect::<Vec<_>>();
        for parent in ["32", "64.08", "91.03.01"] {
            let parent = RegionCode::parse(parent).expect("code");
            let by_parent = codes(&mut dir.regions.iter().filter(|r| r.code.parent().as_ref() == Some(&parent)));
            assert!(!by_parent.is_empty());
            assert_eq!(codes(&mut dir.children(&parent)), by_parent);
        }
        let top = codes(&mut dir.regions.iter().filter(|r| r.code.parent().is_none()));
        assert_eq!(codes(&mut dir.provinces()), top);
        assert!(dir.children(&RegionCode::parse("64.08.01.2001").expect("code")).next().is_none());
        assert!(dir.lookup(" 64.08 ").is_some() && dir.lookup("64.99").is_none());
    }

    #[test]
    fn time_zones_follow_the_provinces() {
        let dir = regions();
        let zone = |c: &str| dir.lookup(c).map(|r| r.zone);
        assert_eq!(zone("31"), Some(Zone::Wib)); // DKI Jakarta
        assert_eq!(zone("61"), Some(Zone::Wib)); // Kalimantan Barat
        assert_eq!(zone("62"), Some(Zone::Wib)); // Kalimantan Tengah
        assert_eq!(zone("63"), Some(Zone::Wita)); // Kalimantan Selatan
        assert_eq!(zone("51"), Some(Zone::Wita)); // Bali
        assert_eq!(zone("81"), Some(Zone::Wit)); // Maluku
        assert_eq!(zone("91.03"), Some(Zone::Wit)); // Kabupaten Jayapura
    }

    #[test]
    fn the_known_errors_are_corrected() {
        let dir = regions();
        assert_eq!(dir.lookup("63").and_then(|r| r.capital.as_deref()), Some("Banjarbaru"));
        assert_eq!(dir.lookup("95").and_then(|r| r.capital.as_deref()), Some("Wamena"));
        assert!(dir.regions.iter().all(|r| r.name != "Nabira" && r.capital.as_deref() != Some("Nabira")));
        assert_eq!(dir.lookup("94").and_then(|r| r.capital.as_deref()), Some("Nabire"));
    }
}
