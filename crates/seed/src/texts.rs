//! The Indonesian texts of demo and synthetic reports (`data/demo/texts.csv`), with
//! placeholders filled from the report's place and time.

use rand::Rng;
use rand::seq::IndexedRandom;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

const TEXTS: &str = include_str!("../../../data/demo/texts.csv");

#[derive(Deserialize)]
struct Row {
    category: String,
    part: String,
    text: String,
}

fn corpus() -> &'static HashMap<(String, String), Vec<String>> {
    static CORPUS: OnceLock<HashMap<(String, String), Vec<String>>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let mut map: HashMap<(String, String), Vec<String>> = HashMap::new();
        for row in csv::Reader::from_reader(TEXTS.as_bytes()).deserialize::<Row>().flatten() {
            map.entry((row.category, row.part)).or_default().push(row.text);
        }
        map
    })
}

/// Where a report is, to fill the placeholders.
#[derive(Debug, Clone, Default)]
pub struct Place {
    pub desa: String,
    pub kecamatan: String,
    pub kabupaten: String,
    pub unit: String,
}

const STREETS: &[&str] = &[
    "Jl. Merdeka",
    "Jl. Sudirman",
    "Jl. Ahmad Yani",
    "Jl. Diponegoro",
    "Jl. Pemuda",
    "Jl. Gatot Subroto",
    "Jl. Pattimura",
    "Jl. Imam Bonjol",
    "Jl. Cut Nyak Dien",
    "Jl. Hasanuddin",
    "Jl. Poros Desa",
    "Jl. Pendidikan",
    "Jl. Pasar Baru",
    "Jl. Yos Sudarso",
    "Jl. Teuku Umar",
    "Jl. Kartini",
];
const PLACES: &[&str] = &[
    "Pasar Induk",
    "Terminal Bus",
    "Puskesmas",
    "Kantor Kecamatan",
    "Balai Desa",
    "Alun-alun",
    "Pelabuhan",
    "Stadion",
    "Taman Kota",
    "RSUD",
    "Kantor Disdukcapil",
    "SD Negeri 3",
    "Masjid Raya",
    "Pasar Ikan",
];
const DURATIONS: &[&str] =
    &["tiga hari", "seminggu", "dua minggu", "sebulan", "dua bulan", "tiga bulan", "setengah tahun", "setahun lebih"];

/// A text of `part` for `category` (falling back to its parent and then to `*`), filled in.
pub fn pick(rng: &mut impl Rng, category: &str, part: &str, place: &Place) -> String {
    let corpus = corpus();
    let mut key = category.to_string();
    let list = loop {
        if let Some(list) = corpus.get(&(key.clone(), part.to_string())) {
            break Some(list);
        }
        match key.rfind('.') {
            Some(i) => key.truncate(i),
            None => break corpus.get(&("*".to_string(), part.to_string())),
        }
    };
    let template = list.and_then(|l| l.choose(rng)).map(String::as_str).unwrap_or(match part {
        "title" => "Laporan masyarakat tentang pelayanan publik",
        _ => "Mohon perhatian dan tindak lanjut dari instansi terkait atas permasalahan ini.",
    });
    fill(rng, template, place)
}

fn fill(rng: &mut impl Rng, template: &str, place: &Place) -> String {
    let pick = |rng: &mut dyn rand::RngCore, list: &[&'static str]| list[rng.random_range(0..list.len())];
    let date =
        format!("{} {} 2026", rng.random_range(1..=28), aduan_domain::time::words::MONTHS_ID[rng.random_range(0..12)]);
    let (street, spot, duration) = (pick(rng, STREETS), pick(rng, PLACES), pick(rng, DURATIONS));
    let number = rng.random_range(1..=12).to_string();
    let value = |key: &str| -> Option<&str> {
        Some(match key {
            "desa" => &place.desa,
            "kecamatan" => &place.kecamatan,
            "kabupaten" => &place.kabupaten,
            "unit" => &place.unit,
            "jalan" => street,
            "tempat" => spot,
            "lama" => duration,
            "tanggal" => &date,
            "nomor" => &number,
            _ => return None,
        })
    };
    // One pass over the template (a synthetic seed fills two per report, millions of times).
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let inside = &rest[open + 1..];
        match inside.find('}').and_then(|close| value(&inside[..close]).map(|v| (close, v))) {
            Some((close, v)) => {
                out.push_str(v);
                rest = &inside[close + 1..];
            }
            None => {
                out.push('{');
                rest = inside;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn kutim() -> Place {
        Place {
            desa: "Swarga Bara".into(),
            kecamatan: "Sangatta Utara".into(),
            kabupaten: "Kutai Timur".into(),
            unit: "Dinas PUPR".into(),
        }
    }

    #[test]
    fn every_part_has_text_and_no_placeholder_is_left() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let place = kutim();
        for category in aduan_reference::catalog::categories() {
            for part in ["title", "description", "answer", "progress"] {
                let t = pick(&mut rng, &category.code, part, &place);
                assert!(!t.contains('{'), "{}/{part}: {t}", category.code);
                assert!(t.chars().count() >= 5);
            }
        }
        for part in [
            "question",
            "info",
            "reply",
            "thanks",
            "rating_good",
            "rating_bad",
            "appeal",
            "note",
            "return",
            "handback",
            "outside",
        ] {
            let t = pick(&mut rng, "lainnya", part, &place);
            assert!(!t.contains('{'), "{part}: {t}");
        }
        assert!(corpus().len() > 50, "the corpus is loaded");
    }

    #[test]
    fn a_template_is_filled_in_one_pass() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let place = Place { desa: "Swarga {Bara}".into(), ..kutim() };
        let t = fill(&mut rng, "{desa}, {kecamatan}, {kabupaten}: {unit} {x} {lama", &place);
        // A value is not read as a template; an unknown or unclosed brace stays.
        assert_eq!(t, "Swarga {Bara}, Sangatta Utara, Kutai Timur: Dinas PUPR {x} {lama");
        let t = fill(&mut rng, "{jalan}|{tempat}|{lama}|{tanggal}|{nomor}", &place);
        let parts: Vec<&str> = t.split('|').collect();
        assert!(STREETS.contains(&parts[0]) && PLACES.contains(&parts[1]) && DURATIONS.contains(&parts[2]), "{t}");
        assert!(parts[3].ends_with(" 2026") && parts[4].parse::<u32>().is_ok_and(|n| (1..=12).contains(&n)), "{t}");
    }
}
