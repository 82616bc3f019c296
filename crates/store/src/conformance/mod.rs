//! The conformance suite: every backend runs these unchanged, each test on a fresh,
//! empty, migrated database.
//!
//! A backend's test file calls [`conformance_tests!`](crate::conformance_tests) with an
//! async function that takes the test's name and returns a fresh store (or `None` to skip,
//! e.g. PostgreSQL when no server is configured — which must not happen in CI).

mod bounded;
mod credentials;
mod directory;
mod fixture;
mod jobs;
mod listing;
mod measures;
mod open311;
mod outbox;
mod reports;
mod templates;

pub use bounded::*;
pub use credentials::*;
pub use directory::*;
pub use fixture::{Fixture, day, queue_columns_of, t0, text, updates_of};
pub use jobs::*;
pub use listing::*;
pub use measures::*;
pub use open311::*;
pub use outbox::*;
pub use reports::*;
pub use templates::*;

/// Expands to one `#[tokio::test]` per conformance test, each calling
/// `$fresh("test_name").await` for a store of its own.
#[macro_export]
macro_rules! conformance_tests {
    ($fresh:path) => {
        $crate::conformance_tests!(@each $fresh, [
            migrations_run_twice,
            organisations_round_trip,
            organisations_are_created_all_or_nothing,
            people_and_roles,
            categories_and_routing_rules,
            holidays_and_deadline_overrides,
            a_report_round_trips_with_every_field,
            a_tracking_number_is_unique,
            transitions_round_trip_through_the_whole_lifecycle,
            a_stale_transition_is_refused_and_changes_nothing,
            a_failing_transition_changes_nothing,
            unknown_ids_are_reported,
            lists_filter_by_every_field,
            pagination_is_stable_while_reports_arrive,
            scopes_keep_reports_apart,
            search_finds_indonesian_word_forms,
            search_follows_edits_and_privacy,
            search_pages_are_stable_newest_filed_first,
            bounded_reads_lose_nothing_and_pass_a_flood,
            supporting_counts_each_supporter_once,
            due_reports_and_leases,
            imported_reports_load_like_created_ones,
            credentials_round_trip_and_revoke,
            an_idempotency_key_files_once,
            concurrent_filings_are_kept_and_a_bad_one_refused_alone,
            lists_filter_by_last_change,
            public_events_between_respect_scope_and_privacy,
            queues_come_in_deadline_order,
            measure_cells_follow_every_change,
            measure_queries_select_cube_orgs_and_months,
            answer_templates_round_trip_in_order,
            messages_are_written_with_their_report_change_or_not_at_all,
            enqueue_skips_a_dedupe_key_already_written,
            claims_never_overlap_and_lapse_at_their_lease,
            delivery_outcomes_round_trip_and_lists_filter,
            webhooks_and_opt_outs_round_trip,
            account_tokens_are_single_use_and_emails_verified,
        ]);
    };
    (@each $fresh:path, [$($name:ident),* $(,)?]) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                if let Some(store) = $fresh(stringify!($name)).await {
                    $crate::conformance::$name(store).await;
                }
            }
        )*
    };
}
