//! `aduan serve`: HTTP and the scheduler, until SIGINT or SIGTERM.

use super::open_app;
use crate::cli::ServeArgs;
use crate::settings::Settings;
use aduan_domain::time::SystemClock;
use aduan_jobs::{Scheduler, SchedulerOptions};
use aduan_notify::transport::{Mailer, SmsGateway, WebhookSender};
use aduan_notify::worker::{Transports, Worker};
use aduan_seed::{catalog, demo, orgs, people};
use anyhow::Context;
use std::sync::Arc;
use tokio::sync::watch;

pub async fn run(args: ServeArgs, settings: Settings) -> anyhow::Result<()> {
    let app = Arc::new(open_app(&settings, Arc::new(SystemClock)).await?);
    tracing::info!(database = app.store().backend(), data_dir = %settings.data_dir.display(), "database ready");
    if args.demo && app.reference().orgs.is_empty() {
        seed_demo(&app).await.context("cannot seed the demo data")?;
    }
    if app.ensure_measures().await.context("cannot count the evaluation measures")? {
        tracing::info!("evaluation measures counted from the stored reports");
    }
    for year in app.calendar_gaps() {
        tracing::warn!(
            year,
            "no holiday data: deadlines in this year skip weekends only; load it with `aduan calendar load`"
        );
    }

    let (stop, stopped) = watch::channel(false);
    let scheduler = if args.no_jobs {
        None
    } else {
        let options = SchedulerOptions { interval: settings.jobs_interval, ..SchedulerOptions::default() };
        Some(tokio::spawn(Scheduler::new(app.clone(), options).run(stopped.clone())))
    };
    let delivery =
        if args.no_jobs { None } else { Some(tokio::spawn(delivery_worker(&app, &settings)?.run(stopped.clone()))) };

    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, "listening on http://{address}");
    let mut on_stop = stopped.clone();
    let shutdown = async move {
        let _ = on_stop.wait_for(|s| *s).await;
    };
    let state = aduan_web::AppState::new(app.clone(), settings.web.clone());
    let server = tokio::spawn(aduan_web::serve(listener, state, shutdown));

    wait_for_signal().await;
    tracing::info!("shutting down: finishing requests in flight");
    let _ = stop.send(true);
    match server.await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::warn!(error = %e, "server error while stopping"),
        Err(e) => tracing::warn!(error = %e, "server task failed"),
    }
    for task in [scheduler, delivery].into_iter().flatten() {
        let _ = task.await;
    }
    app.store().close().await;
    tracing::info!("stopped");
    Ok(())
}

/// The outbox worker with the transports the settings configure.
fn delivery_worker(app: &Arc<aduan_service::App>, settings: &Settings) -> anyhow::Result<Worker> {
    let n = &settings.notify;
    let mailer = n.smtp.as_ref().map(Mailer::new).transpose().context("SMTP settings")?;
    let sms = n.sms.as_ref().map(SmsGateway::new).transpose().context("SMS gateway settings")?;
    let webhooks = WebhookSender::new(std::time::Duration::from_secs(15)).context("webhook client")?;
    match &n.smtp {
        Some(smtp) => tracing::info!(host = %smtp.host, port = smtp.port, tls = %smtp.tls, "e-mail on"),
        None => tracing::info!("no SMTP configured: no e-mail is written or sent"),
    }
    Ok(Worker::new(app.clone(), Transports { mailer, sms, webhooks }, n.delivery.clone()))
}

async fn seed_demo(app: &aduan_service::App) -> anyhow::Result<()> {
    tracing::info!("empty database: seeding demo data (national tree, demo accounts, demo reports)");
    let quiet = indicatif::ProgressBar::hidden();
    orgs::seed_national(app, &quiet).await?;
    catalog::seed_categories(app).await?;
    catalog::seed_routing(app).await?;
    let accounts = people::seed_people(app).await?;
    let reports = demo::seed_demo_reports(app, 60, &quiet).await?;
    tracing::info!(accounts = accounts.len(), reports, password = aduan_seed::DEMO_PASSWORD, "demo data ready");
    Ok(())
}

async fn wait_for_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
