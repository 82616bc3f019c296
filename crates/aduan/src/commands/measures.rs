//! `aduan measures rebuild`

use crate::cli::MeasuresCommand;
use aduan_service::App;

pub async fn run(cmd: MeasuresCommand, app: &App) -> anyhow::Result<()> {
    let MeasuresCommand::Rebuild = cmd;
    let bar = super::progress();
    bar.set_message("reports");
    let started = std::time::Instant::now();
    let counted = app.rebuild_measures(&|n| bar.set_position(n)).await?;
    bar.finish_and_clear();
    println!("counted the measures of {counted} reports in {:.1} s", started.elapsed().as_secs_f64());
    app.store().close().await;
    Ok(())
}
