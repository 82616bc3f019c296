//! Answer templates.

use super::fixture::{Fixture, day, t0, text};
use crate::{Store, StoreError};
use aduan_domain::ids::{OrgId, TemplateId};
use aduan_domain::template::{AnswerTemplate, NewAnswerTemplate};
use std::sync::Arc;

pub async fn answer_templates_round_trip_in_order(store: Arc<dyn Store>) {
    let f = Fixture::new(store).await;
    assert!(f.store.templates().await.expect("none yet").is_empty());
    let (kutim, pupr) = (f.org("KAB-64.08"), f.org("KAB-64.08/DPUPR"));
    let new = |org, category, title: &str| NewAnswerTemplate {
        org,
        category,
        title: title.into(),
        body: text(&format!("Terima kasih atas laporan Anda.\n\n{title} — akan kami tindak lanjuti.")),
    };
    let jalan = Some(f.category("pupr.jalan"));
    let a = f.store.create_template(&new(pupr, jalan, "Perbaikan dijadwalkan"), t0()).await.expect("a");
    let b = f.store.create_template(&new(kutim, jalan, "Jalan nasional, bukan kewenangan"), t0()).await.expect("b");
    let c = f.store.create_template(&new(kutim, None, "Salam pembuka"), t0()).await.expect("c");
    let d = f.store.create_template(&new(kutim, None, "Laporan diterima"), day(1)).await.expect("d");
    f.store.create_template(&new(pupr, None, "Ditinjau"), t0()).await.expect("e");
    let all = f.store.templates().await.expect("load");
    // By organisation, then general before categorised, then title.
    let order: Vec<&str> = all.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(
        order,
        vec![
            "Laporan diterima",
            "Salam pembuka",
            "Jalan nasional, bukan kewenangan",
            "Ditinjau",
            "Perbaikan dijadwalkan"
        ]
    );
    let first = all.iter().find(|t| t.id == a).expect("a stored");
    assert_eq!(
        first,
        &AnswerTemplate {
            id: a,
            org: pupr,
            category: jalan,
            title: "Perbaikan dijadwalkan".into(),
            body: text("Terima kasih atas laporan Anda.\n\nPerbaikan dijadwalkan — akan kami tindak lanjuti."),
            active: true,
            updated_at: t0(),
        }
    );
    assert!(all.iter().any(|t| t.id == d && t.updated_at == day(1)));
    assert!([a, b, c, d].windows(2).all(|w| w[0] != w[1]), "ids are distinct");

    // Every field can change: the store saves what it is given.
    let changed = AnswerTemplate {
        org: kutim,
        category: None,
        title: "Perbaikan dijadwalkan (Kutim)".into(),
        body: text("Isi baru"),
        active: false,
        updated_at: day(2),
        ..first.clone()
    };
    f.store.update_template(&changed).await.expect("update");
    let reloaded = f.store.templates().await.expect("load");
    assert_eq!(reloaded.iter().find(|t| t.id == a), Some(&changed));
    assert_eq!(reloaded.len(), 5, "an update creates nothing");

    let ghost = AnswerTemplate { id: TemplateId(999_999), ..changed.clone() };
    assert!(matches!(f.store.update_template(&ghost).await, Err(StoreError::NotFound(_))));
    let nowhere = NewAnswerTemplate { org: OrgId(999_999), ..new(kutim, None, "x") };
    assert!(matches!(f.store.create_template(&nowhere, t0()).await, Err(StoreError::Invalid(_))));
    let bad_move = AnswerTemplate { org: OrgId(999_999), ..changed };
    assert!(matches!(f.store.update_template(&bad_move).await, Err(StoreError::Invalid(_))));
    assert_eq!(f.store.templates().await.expect("load"), reloaded, "refused writes change nothing");
}
