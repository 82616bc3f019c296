//! The category tree, the OPD template of a local government and the ministries, as
//! shipped in `data/catalog/`.

use serde::Deserialize;
use std::sync::OnceLock;

const CATEGORIES: &str = include_str!("../../../data/catalog/categories.csv");
const OPD: &str = include_str!("../../../data/catalog/opd.csv");
const MINISTRIES: &str = include_str!("../../../data/catalog/ministries.csv");

/// One category, with where reports of it usually go.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CategorySpec {
    pub code: String,
    #[serde(deserialize_with = "empty_as_none")]
    pub parent: Option<String>,
    pub name_id: String,
    pub name_en: String,
    /// The OPD (see [`OpdSpec`]) of a local government that handles it; inherited from
    /// the parent when empty.
    #[serde(deserialize_with = "empty_as_none")]
    pub opd: Option<String>,
    /// The ministry or national body that handles it where no local rule applies;
    /// inherited from the parent when empty.
    #[serde(deserialize_with = "empty_as_none")]
    pub ministry: Option<String>,
}

/// One OPD of the standard set for a local government.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OpdSpec {
    pub code: String,
    pub name_id: String,
    pub name_en: String,
    /// `provinsi;kabupaten;kota`: the kinds of government that have it.
    pub levels: String,
}

impl OpdSpec {
    pub fn exists_in(&self, level: &str) -> bool {
        self.levels.split(';').any(|l| l == level)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct MinistrySpec {
    pub code: String,
    pub name: String,
    pub short: String,
}

fn empty_as_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let s = String::deserialize(d)?;
    Ok(if s.trim().is_empty() { None } else { Some(s.trim().to_string()) })
}

fn parse<T: for<'de> Deserialize<'de>>(text: &str) -> Result<Vec<T>, csv::Error> {
    csv::Reader::from_reader(text.as_bytes()).deserialize().collect()
}

pub fn categories() -> &'static [CategorySpec] {
    static LIST: OnceLock<Vec<CategorySpec>> = OnceLock::new();
    LIST.get_or_init(|| parse(CATEGORIES).unwrap_or_default())
}

pub fn opd_templates() -> &'static [OpdSpec] {
    static LIST: OnceLock<Vec<OpdSpec>> = OnceLock::new();
    LIST.get_or_init(|| parse(OPD).unwrap_or_default())
}

pub fn ministries() -> &'static [MinistrySpec] {
    static LIST: OnceLock<Vec<MinistrySpec>> = OnceLock::new();
    LIST.get_or_init(|| parse(MINISTRIES).unwrap_or_default())
}

/// The OPD code that handles a category in a local government, following parents.
pub fn opd_for(category: &str) -> Option<&'static str> {
    inherited(category, |c| c.opd.as_deref())
}

/// The ministry code that handles a category nationally, following parents.
pub fn ministry_for(category: &str) -> Option<&'static str> {
    inherited(category, |c| c.ministry.as_deref())
}

fn inherited(category: &str, pick: impl Fn(&'static CategorySpec) -> Option<&'static str>) -> Option<&'static str> {
    let all = categories();
    let mut cur = all.iter().find(|c| c.code == category);
    while let Some(c) = cur {
        if let Some(v) = pick(c) {
            return Some(v);
        }
        cur = c.parent.as_deref().and_then(|p| all.iter().find(|c| c.code == p));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_files_parse_and_refer_to_each_other() {
        let cats: Vec<CategorySpec> = parse(CATEGORIES).expect("categories parse");
        let opd: Vec<OpdSpec> = parse(OPD).expect("opd parses");
        let ministries: Vec<MinistrySpec> = parse(MINISTRIES).expect("ministries parse");
        assert!(cats.len() >= 35);
        assert!(opd.len() >= 20);
        assert!(ministries.len() >= 30);
        for c in &cats {
            if let Some(p) = &c.parent {
                assert!(cats.iter().any(|x| &x.code == p), "{} has unknown parent {p}", c.code);
                assert!(c.code.starts_with(&format!("{p}.")), "{} is not named under {p}", c.code);
            }
            if let Some(o) = &c.opd {
                assert!(opd.iter().any(|x| &x.code == o), "{} names unknown OPD {o}", c.code);
            }
            if let Some(m) = &c.ministry {
                assert!(ministries.iter().any(|x| &x.code == m), "{} names unknown ministry {m}", c.code);
            }
        }
        for topic in ["Pekerjaan Umum dan Penataan Ruang", "Kesehatan", "Kependudukan", "Topik Lainnya"] {
            assert!(cats.iter().any(|c| c.name_id == topic), "{topic}");
        }
    }

    #[test]
    fn roads_go_to_pupr_and_pungli_to_the_inspectorate() {
        assert_eq!(opd_for("pupr.jalan"), Some("DPUPR"));
        assert_eq!(ministry_for("pupr.jalan"), Some("KEMENPU"));
        assert_eq!(opd_for("lingkungan.sampah"), Some("DLH"));
        assert_eq!(opd_for("hukum.pungli"), Some("INSPEKTORAT"));
        assert_eq!(opd_for("kependudukan.adminduk"), Some("DISDUKCAPIL"));
        assert_eq!(opd_for("lainnya"), None);
    }
}
