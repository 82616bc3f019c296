//! How alike two short texts are, to point a screener at likely duplicates.
//!
//! Two measures averaged: shared words (Jaccard over normalised word sets) catch the same
//! complaint in other words around the same nouns; shared character trigrams catch
//! spelling variants and affixed forms ("rusak"/"kerusakan", "lubang"/"berlubang") that
//! whole words miss. Both ignore case, punctuation and common function words.

use std::collections::HashSet;

/// Indonesian (and a few English) words too common to say anything about the topic.
const STOPWORDS: &[&str] = &[
    "ada", "agar", "akan", "atau", "bahwa", "belum", "bisa", "dan", "dari", "dengan", "di", "dalam", "hal", "ini",
    "itu", "juga", "kami", "karena", "ke", "kita", "mohon", "oleh", "pada", "para", "sangat", "saya", "sejak", "sudah",
    "telah", "tidak", "tolong", "untuk", "yang", "and", "in", "of", "the", "to",
];

/// The content words of a text: lower case, split at anything not a letter or digit,
/// without function words and single characters.
pub fn words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() > 1 && !STOPWORDS.contains(&w.as_str()))
        .collect()
}

/// Character trigrams of the content words, each word padded with a space on both sides
/// so that beginnings and ends of words count.
fn trigrams(words: &HashSet<String>) -> HashSet<[char; 3]> {
    let mut out = HashSet::new();
    for w in words {
        let chars: Vec<char> = std::iter::once(' ').chain(w.chars()).chain(std::iter::once(' ')).collect();
        out.extend(chars.windows(3).map(|t| [t[0], t[1], t[2]]));
    }
    out
}

fn jaccard<T: Eq + std::hash::Hash>(a: &HashSet<T>, b: &HashSet<T>) -> f32 {
    let union = a.union(b).count();
    if union == 0 {
        return 0.0;
    }
    // Counts of short titles: far below f32's exact integer range.
    a.intersection(b).count() as f32 / union as f32
}

/// How alike two texts are, from 0 (nothing in common) to 1 (the same words).
pub fn similarity(a: &str, b: &str) -> f32 {
    let (wa, wb) = (words(a), words(b));
    if wa.is_empty() || wb.is_empty() {
        return 0.0;
    }
    (jaccard(&wa, &wb) + jaccard(&trigrams(&wa), &trigrams(&wb))) / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_road_complaint_in_other_words_is_alike() {
        let s = similarity("Jalan rusak di Sangatta", "jalan berlubang rusak parah Sangatta Utara");
        assert!(s >= 0.4, "{s}");
        assert!((similarity("Jalan rusak di Sangatta", "JALAN RUSAK, di sangatta!") - 1.0).abs() < f32::EPSILON);
    }

    #[test]
    fn affixed_forms_still_count() {
        let affixed = similarity("Kerusakan jalan poros Bengalon", "Jalan poros Bengalon rusak");
        let unrelated = similarity("Kerusakan jalan poros Bengalon", "Sampah menumpuk di pasar induk");
        assert!(affixed > 0.4, "{affixed}");
        assert!(unrelated < 0.1, "{unrelated}");
    }

    #[test]
    fn other_topics_are_not_alike() {
        let s = similarity("Lampu penerangan jalan mati", "Pungutan liar pembuatan KTP di kecamatan");
        assert!(s < 0.2, "{s}");
        assert_eq!(similarity("di yang dan", "di yang dan"), 0.0, "function words alone say nothing");
        assert_eq!(similarity("", "Jalan rusak"), 0.0);
    }

    #[test]
    fn similarity_is_symmetric_and_bounded() {
        let pairs = [("Banjir di Sangatta Selatan", "Drainase tersumbat, banjir Sangatta"), ("a", "b c")];
        for (a, b) in pairs {
            let (x, y) = (similarity(a, b), similarity(b, a));
            assert!((x - y).abs() < f32::EPSILON);
            assert!((0.0..=1.0).contains(&x));
        }
    }
}
