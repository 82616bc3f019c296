//! The application: the store, the clock and the reference data every decision needs.

use crate::error::AppResult;
use aduan_domain::calendar::HolidayCalendar;
use aduan_domain::category::CategoryTree;
use aduan_domain::lifecycle::Context;
use aduan_domain::org::OrgTree;
use aduan_domain::routing::Router;
use aduan_domain::sla::{Limits, SlaPolicy};
use aduan_domain::time::{Clock, Timestamp};
use aduan_store::Store;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

/// Reference data loaded from the store (and the program), consulted for every decision.
/// Replaced as a whole when an admin changes it, so a decision never sees half an update.
#[derive(Debug, Clone, Default)]
pub struct Reference {
    pub orgs: OrgTree,
    pub categories: CategoryTree,
    pub router: Router,
    pub calendar: HolidayCalendar,
    pub sla: SlaPolicy,
}

impl Reference {
    pub fn ctx(&self, now: Timestamp) -> Context<'_> {
        Context { now, orgs: &self.orgs, categories: &self.categories, calendar: &self.calendar, sla: &self.sla }
    }
}

/// Settings of the use cases that are not reference data.
#[derive(Debug, Clone)]
pub struct AppOptions {
    /// How long a sign-in token lasts.
    pub token_lifetime: chrono::Duration,
    /// Where uploaded attachments are kept; `None` refuses uploads.
    pub attachment_dir: Option<PathBuf>,
    /// The largest upload accepted, in bytes.
    pub max_upload_bytes: u64,
    /// Which media have a transport; messages are written only for those.
    pub media: crate::notices::Media,
    /// The key that signs unsubscribe links; every process of a deployment needs the same.
    pub signing_key: Vec<u8>,
    /// The bars of the predicate Baik / Sedang / Kurang.
    pub thresholds: aduan_domain::measures::Thresholds,
}

impl Default for AppOptions {
    fn default() -> Self {
        AppOptions {
            token_lifetime: chrono::Duration::hours(8),
            attachment_dir: None,
            max_upload_bytes: 10 * 1024 * 1024,
            media: crate::notices::Media::default(),
            signing_key: crate::secrets::new_secret().into_bytes(),
            thresholds: aduan_domain::measures::Thresholds::default(),
        }
    }
}

pub struct App {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    defaults: Limits,
    options: AppOptions,
    reference: RwLock<Arc<Reference>>,
    /// Report changes made in this process, for what [`crate::recent::Recent`] keeps.
    pub(crate) changes: crate::recent::Changes,
    /// Public statistics (the nation or an instansi, and a period), reused for a minute
    /// while no report changes.
    pub(crate) statistics: crate::recent::Recent<(Option<aduan_domain::ids::OrgId>, String), crate::Dashboard>,
}

impl App {
    /// How many report changes this process has made: what [`crate::recent::Recent`]
    /// entries are checked against.
    pub fn changes_seen(&self) -> u64 {
        self.changes.now()
    }

    /// Loads the reference data and returns a ready application. `defaults` are the
    /// deployment's deadline limits; instansi overrides come from the store.
    pub async fn open(store: Arc<dyn Store>, clock: Arc<dyn Clock>, defaults: Limits) -> AppResult<App> {
        App::open_with(store, clock, defaults, AppOptions::default()).await
    }

    pub async fn open_with(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        defaults: Limits,
        options: AppOptions,
    ) -> AppResult<App> {
        let app = App {
            store,
            clock,
            defaults,
            options,
            reference: RwLock::new(Arc::new(Reference::default())),
            changes: crate::recent::Changes::default(),
            statistics: crate::recent::Recent::new(std::time::Duration::from_secs(60), 256),
        };
        app.reload_reference().await?;
        Ok(app)
    }

    pub fn options(&self) -> &AppOptions {
        &self.options
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// The current reference data (cheap: a shared pointer).
    pub fn reference(&self) -> Arc<Reference> {
        self.reference.read().map(|r| Arc::clone(&r)).unwrap_or_else(|e| Arc::clone(&e.into_inner()))
    }

    /// Reads organisations, categories, routing rules, loaded holiday years and deadline
    /// overrides again, e.g. after an admin changed them or another process did.
    pub async fn reload_reference(&self) -> AppResult<()> {
        let orgs = OrgTree::new(self.store.organisations().await?);
        let categories = CategoryTree::new(self.store.categories().await?);
        let router = Router::new(self.store.routing_rules().await?);
        let mut calendar = aduan_reference::holidays::shipped_calendar();
        for (year, holidays) in self.store.holiday_years().await? {
            // Years loaded by an admin replace the shipped list for that year.
            if let Err(e) = calendar.set_year(year, holidays) {
                tracing::warn!(year, error = %e, "ignoring a stored holiday year");
            }
        }
        let sla = SlaPolicy { defaults: self.defaults, per_instansi: self.store.sla_overrides().await? };
        let fresh = Reference { orgs, categories, router, calendar, sla };
        match self.reference.write() {
            Ok(mut r) => *r = Arc::new(fresh),
            Err(e) => *e.into_inner() = Arc::new(fresh),
        }
        Ok(())
    }
}
