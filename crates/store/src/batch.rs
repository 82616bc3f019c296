//! Group commit for new reports. Filings that arrive while the writer is busy wait in a
//! queue; the writer then stores every waiting one in a single transaction. A quiet
//! server files each report on its own, as before; a busy one pays for one transaction
//! (its statements, its commit, its fsync) per batch instead of per report. Each caller
//! still gets its answer only after its report is committed.

use crate::error::{StoreError, StoreResult};
use crate::port::IdempotencyKey;
use aduan_domain::ids::ReportId;
use aduan_domain::lifecycle::Filing;
use aduan_domain::report::Report;
use async_trait::async_trait;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// A backend's way of storing several filings in one transaction.
#[async_trait]
pub trait FileMany: Send + Sync + 'static {
    /// Stores every filing (and its idempotency key) in one transaction, or none of them;
    /// returns the new ids in order.
    async fn file_many(&self, batch: &[(Filing, Option<IdempotencyKey>)]) -> StoreResult<Vec<ReportId>>;
}

struct Job {
    filing: Filing,
    key: Option<IdempotencyKey>,
    reply: oneshot::Sender<StoreResult<Report>>,
}

/// The queue in front of a backend's writer.
#[derive(Clone)]
pub struct FilingQueue {
    jobs: mpsc::Sender<Job>,
}

impl FilingQueue {
    /// Starts the writer task on the current runtime; it stops when the queue is dropped.
    pub fn start(writer: Arc<dyn FileMany>, max_batch: usize) -> FilingQueue {
        let (jobs, waiting) = mpsc::channel(max_batch.max(1) * 4);
        tokio::spawn(run(writer, waiting, max_batch.max(1)));
        FilingQueue { jobs }
    }

    /// Files one report; returns it as stored once its transaction has committed.
    pub async fn file(&self, filing: &Filing, key: Option<&IdempotencyKey>) -> StoreResult<Report> {
        let (reply, answer) = oneshot::channel();
        let job = Job { filing: filing.clone(), key: key.cloned(), reply };
        let stopped = || StoreError::Unavailable("the database writer has stopped".into());
        self.jobs.send(job).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

async fn run(writer: Arc<dyn FileMany>, mut waiting: mpsc::Receiver<Job>, max_batch: usize) {
    while let Some(first) = waiting.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < max_batch {
            match waiting.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let mut replies = Vec::with_capacity(jobs.len());
        let batch: Vec<(Filing, Option<IdempotencyKey>)> = jobs
            .into_iter()
            .map(|j| {
                replies.push(j.reply);
                (j.filing, j.key)
            })
            .collect();
        match writer.file_many(&batch).await {
            Ok(ids) => {
                for ((filing, _), (reply, id)) in batch.into_iter().zip(replies.into_iter().zip(ids)) {
                    let _ = reply.send(Ok(stored(filing, id)));
                }
            }
            Err(e) if batch.len() == 1 => {
                for reply in replies {
                    let _ = reply.send(Err(e.clone()));
                }
            }
            // One filing spoiled the batch (a tracking number or idempotency key taken):
            // file each on its own so that only that one is refused.
            Err(_) => {
                for (item, reply) in batch.into_iter().zip(replies) {
                    let one = std::slice::from_ref(&item);
                    let result = writer.file_many(one).await.and_then(|ids| {
                        ids.first().copied().ok_or_else(|| StoreError::Other("no id for the new report".into()))
                    });
                    let _ = reply.send(result.map(|id| stored(item.0, id)));
                }
            }
        }
    }
}

/// The report as stored: the filing's report under its new id (nothing else changes
/// on the way in, which the conformance suite checks by reading it back).
fn stored(filing: Filing, id: ReportId) -> Report {
    let mut report = filing.report;
    report.id = id;
    report
}
