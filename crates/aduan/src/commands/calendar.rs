//! `aduan calendar …`

use crate::cli::CalendarCommand;
use aduan_domain::calendar::holiday_csv;
use aduan_service::App;
use anyhow::Context;

pub async fn run(cmd: CalendarCommand, app: &App) -> anyhow::Result<()> {
    match cmd {
        CalendarCommand::Status => {
            println!("{:<6} {:>7} {:>13}  source", "year", "public", "cuti bersama");
            for s in app.calendar_status() {
                let source = if s.missing {
                    "MISSING: deadlines in this year skip weekends only; load it with `aduan calendar load FILE`"
                } else if s.loaded {
                    "loaded by an admin"
                } else {
                    "shipped with Aduan"
                };
                println!("{:<6} {:>7} {:>13}  {source}", s.year, s.public, s.cuti_bersama);
            }
        }
        CalendarCommand::Load { file } => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let s = app.load_holiday_year(&text).await?;
            println!("{}: {} holidays and {} days of cuti bersama loaded", s.year, s.public, s.cuti_bersama);
            println!("reports of {} count their working days anew after `aduan measures rebuild`", s.year);
        }
        CalendarCommand::Show { year } => {
            let reference = app.reference();
            let list = reference.calendar.holidays(year);
            if list.is_empty() {
                anyhow::bail!("no holiday data for {year}");
            }
            print!("{}", holiday_csv(list));
        }
    }
    Ok(())
}
