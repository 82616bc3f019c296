//! Full-text search in Indonesian. SQLite has no Indonesian stemmer, so the store stems
//! with the Snowball Indonesian algorithm (the one PostgreSQL's `indonesian`
//! configuration uses) both what it indexes and what it is asked, and the two backends
//! find the same reports.

use aduan_domain::region::{RegionCode, RegionLevel};
use frostem::{Algorithm, Stemmer};

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase)
}

fn stemmer() -> Stemmer {
    Stemmer::new(Algorithm::Indonesian)
}

/// The indexed form of a report: its words, stemmed, separated by spaces, then tokens for
/// its province and kabupaten/kota (see [`region_token`]).
pub fn index_body(title: &str, description: &str, region: Option<&RegionCode>) -> String {
    let s = stemmer();
    let mut body: Vec<String> = words(title).chain(words(description)).map(|w| s.stem(&w).into_owned()).collect();
    if let Some(region) = region {
        for level in [RegionLevel::Province, RegionLevel::Regency] {
            if region.level() >= level {
                body.push(region_token(&region.at_level(level)));
            }
        }
    }
    body.join(" ")
}

/// A token standing for a province or kabupaten/kota in the index (`wil64`, `wil6408`):
/// a search within a region intersects two posting lists instead of filtering every
/// match of a common word. No Indonesian word looks like it, and the stemmer leaves a
/// token ending in digits alone.
pub fn region_token(region: &RegionCode) -> String {
    format!("wil{}", region.as_str().replace('.', ""))
}

/// An FTS5 query requiring every stemmed word of `query` (and the region's token when
/// the search is within a province or kabupaten/kota); `None` when it has no word. Each
/// term is quoted, so nothing a person types is read as FTS5 syntax.
pub fn match_expression(query: &str, region: Option<&RegionCode>) -> Option<String> {
    let s = stemmer();
    let mut terms: Vec<String> = words(query).map(|w| format!("\"{}\"", s.stem(&w).replace('"', ""))).collect();
    if terms.is_empty() {
        return None;
    }
    if let Some(r) = region.filter(|r| matches!(r.level(), RegionLevel::Province | RegionLevel::Regency)) {
        terms.push(format!("\"{}\"", region_token(r)));
    }
    Some(terms.join(" AND "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_indonesian_affixes() {
        let desa = RegionCode::parse("64.08.01.2001").ok();
        assert_eq!(index_body("Jalannya rusak", "diperbaiki", desa.as_ref()), "jalan rusak baik wil64 wil6408");
        assert_eq!(index_body("Jalannya rusak", "", None), "jalan rusak");
        assert_eq!(match_expression("Perbaikan jalan", None).as_deref(), Some("\"baik\" AND \"jalan\""));
        let kutim = RegionCode::parse("64.08").ok();
        assert_eq!(match_expression("jalan", kutim.as_ref()).as_deref(), Some("\"jalan\" AND \"wil6408\""));
        let kecamatan = RegionCode::parse("64.08.01").ok();
        assert_eq!(match_expression("jalan", kecamatan.as_ref()).as_deref(), Some("\"jalan\""));
    }

    #[test]
    fn fts_syntax_in_a_query_is_inert() {
        assert_eq!(match_expression("jalan\" OR * NEAR(", None).as_deref(), Some("\"jalan\" AND \"or\" AND \"near\""));
        assert_eq!(match_expression(" -- ** ", None), None);
    }
}
