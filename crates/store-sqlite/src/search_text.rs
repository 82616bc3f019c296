//! Full-text search in Indonesian. SQLite has no Indonesian stemmer, so the store stems
//! with the Snowball Indonesian algorithm (the one PostgreSQL's `indonesian`
//! configuration uses) both what it indexes and what it is asked, and the two backends
//! find the same reports.

use frostem::{Algorithm, Stemmer};

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase)
}

fn stemmer() -> Stemmer {
    Stemmer::new(Algorithm::Indonesian)
}

/// The indexed form of a report's text: its words, stemmed, separated by spaces.
pub fn index_body(title: &str, description: &str) -> String {
    let s = stemmer();
    words(title).chain(words(description)).map(|w| s.stem(&w).into_owned()).collect::<Vec<_>>().join(" ")
}

/// An FTS5 query requiring every stemmed word of `query`; `None` when it has no word.
/// Each term is quoted, so nothing a person types is read as FTS5 syntax.
pub fn match_expression(query: &str) -> Option<String> {
    let s = stemmer();
    let terms: Vec<String> = words(query).map(|w| format!("\"{}\"", s.stem(&w).replace('"', ""))).collect();
    if terms.is_empty() { None } else { Some(terms.join(" AND ")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_indonesian_affixes() {
        assert_eq!(index_body("Jalannya rusak", "diperbaiki"), "jalan rusak baik");
        assert_eq!(match_expression("Perbaikan jalan").as_deref(), Some("\"baik\" AND \"jalan\""));
    }

    #[test]
    fn fts_syntax_in_a_query_is_inert() {
        assert_eq!(match_expression("jalan\" OR * NEAR(").as_deref(), Some("\"jalan\" AND \"or\" AND \"near\""));
        assert_eq!(match_expression(" -- ** "), None);
    }
}
