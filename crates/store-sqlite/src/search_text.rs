//! Full-text search in Indonesian. SQLite has no Indonesian stemmer, so the store stems
//! with the Snowball Indonesian algorithm (the one PostgreSQL's `indonesian`
//! configuration uses) both what it indexes and what it is asked, and the two backends
//! find the same reports. Beside the words, each entry holds the report's facet tokens
//! ([`aduan_store::search`]), so a search intersects words and filters in the index.

use aduan_store::search::stems;

/// The indexed form of a report: its words, stemmed, then its facet tokens, separated by
/// spaces.
pub fn index_body(title: &str, description: &str, tokens: &[String]) -> String {
    let mut body = stems(title);
    body.extend(stems(description));
    body.extend(tokens.iter().cloned());
    body.join(" ")
}

/// An FTS5 query requiring every stemmed word of `query` and, from each group of facet
/// tokens, one; `None` when the query has no word. Each term is quoted, so nothing a
/// person types is read as FTS5 syntax.
pub fn match_expression(query: &str, groups: &[Vec<String>]) -> Option<String> {
    let mut terms: Vec<String> = stems(query).iter().map(|w| format!("\"{}\"", w.replace('"', ""))).collect();
    if terms.is_empty() {
        return None;
    }
    for group in groups.iter().filter(|g| !g.is_empty()) {
        let any: Vec<String> = group.iter().map(|t| format!("\"{t}\"")).collect();
        terms.push(if any.len() == 1 { any.join("") } else { format!("({})", any.join(" OR ")) });
    }
    Some(terms.join(" AND "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_indonesian_affixes() {
        let tokens = vec!["_w_64".to_string(), "_s_closed".to_string()];
        assert_eq!(index_body("Jalannya rusak", "diperbaiki", &tokens), "jalan rusak baik _w_64 _s_closed");
        assert_eq!(index_body("Jalannya rusak", "", &[]), "jalan rusak");
        assert_eq!(match_expression("Perbaikan jalan", &[]).as_deref(), Some("\"baik\" AND \"jalan\""));
        let groups = vec![vec!["_w_6408".to_string()], vec!["_s_forwarded".to_string(), "_s_closed".to_string()]];
        assert_eq!(
            match_expression("jalan", &groups).as_deref(),
            Some("\"jalan\" AND \"_w_6408\" AND (\"_s_forwarded\" OR \"_s_closed\")")
        );
    }

    #[test]
    fn fts_syntax_in_a_query_is_inert() {
        assert_eq!(match_expression("jalan\" OR * NEAR(", &[]).as_deref(), Some("\"jalan\" AND \"or\" AND \"near\""));
        assert_eq!(match_expression(" -- ** ", &[]), None);
        // An underscore splits words, so a query cannot name a facet token.
        assert_eq!(match_expression("_p _s_closed", &[]).as_deref(), Some("\"p\" AND \"s\" AND \"closed\""));
    }
}
