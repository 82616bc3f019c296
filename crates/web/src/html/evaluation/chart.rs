//! Bar charts as inline SVG, drawn on the server: readable without JavaScript, printable,
//! and small. Bars use SVG presentation attributes, not style attributes, which the
//! pages' content security policy would block. Every chart comes with a table (the text
//! alternative) on the page; the SVG itself carries a title and description.

use std::fmt::Write;

/// One bar: its label under the axis and its value (`None`: nothing to show that month).
pub struct Bar {
    pub label: String,
    pub value: Option<f64>,
    /// The value as the reader should read it, e.g. "87,5%".
    pub text: String,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
const TOP: f64 = 18.0;
const BOTTOM: f64 = 36.0;
const LEFT: f64 = 8.0;

/// A vertical bar chart scaled to `max` (or to its largest value when `max` is `None`).
pub fn bars(id: &str, title: &str, description: &str, bars: &[Bar], max: Option<f64>) -> String {
    let largest = bars.iter().filter_map(|b| b.value).fold(0.0_f64, f64::max);
    let top = max.unwrap_or(largest).max(f64::EPSILON);
    let n = bars.len().max(1) as f64;
    let slot = (WIDTH - 2.0 * LEFT) / n;
    let width = (slot * 0.7).max(1.0);
    let plot = HEIGHT - TOP - BOTTOM;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" id="{id}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{id}-t {id}-d" preserveAspectRatio="xMidYMid meet"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        escape(title),
        escape(description)
    );
    let axis = HEIGHT - BOTTOM;
    let _ = write!(
        svg,
        r##"<line x1="{LEFT}" y1="{axis}" x2="{}" y2="{axis}" stroke="#6b7280" stroke-width="1"/>"##,
        WIDTH - LEFT
    );
    // Few enough labels to stay legible: every one up to 12 bars, else every other.
    let every = if bars.len() > 12 { 2 } else { 1 };
    for (i, bar) in bars.iter().enumerate() {
        let x = LEFT + slot * i as f64 + (slot - width) / 2.0;
        let centre = x + width / 2.0;
        if let Some(v) = bar.value {
            let h = (v / top).clamp(0.0, 1.0) * plot;
            let y = axis - h;
            let _ = write!(
                svg,
                r##"<rect x="{x:.1}" y="{y:.1}" width="{width:.1}" height="{h:.1}" fill="#1d4ed8"><title>{}: {}</title></rect>"##,
                escape(&bar.label),
                escape(&bar.text)
            );
            if bars.len() <= 12 {
                let _ = write!(
                    svg,
                    r##"<text x="{centre:.1}" y="{:.1}" text-anchor="middle" font-size="11" fill="#111827">{}</text>"##,
                    (y - 4.0).max(11.0),
                    escape(&bar.text)
                );
            }
        }
        if i % every == 0 {
            let _ = write!(
                svg,
                r##"<text x="{centre:.1}" y="{:.1}" text-anchor="middle" font-size="11" fill="#374151">{}</text>"##,
                axis + 16.0,
                escape(&bar.label)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// A horizontal bar in a table cell, `share` of the cell's width.
pub fn inline_bar(share: f64) -> String {
    let w = (share.clamp(0.0, 1.0) * 100.0).max(if share > 0.0 { 1.0 } else { 0.0 });
    format!(
        r##"<svg class="inline-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true"><rect x="0" y="0" width="{w:.1}" height="10" fill="#1d4ed8"/></svg>"##
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_escape_text() {
        let data = [
            Bar { label: "Jan".into(), value: Some(10.0), text: "10".into() },
            Bar { label: "Feb <b>".into(), value: Some(5.0), text: "5".into() },
            Bar { label: "Mar".into(), value: None, text: "–".into() },
        ];
        let svg = bars("c", "Laporan & tren", "desc", &data, None);
        assert!(svg.contains("Laporan &amp; tren"));
        assert!(svg.contains("Feb &lt;b&gt;"));
        assert_eq!(svg.matches("<rect").count(), 2, "no bar for a month without a value");
        // The largest bar fills the plot; the half-size one half of it.
        let plot = HEIGHT - TOP - BOTTOM;
        assert!(svg.contains(&format!("height=\"{plot:.1}\"")));
        assert!(svg.contains(&format!("height=\"{:.1}\"", plot / 2.0)));
    }

    #[test]
    fn inline_bars_stay_within_their_cell() {
        assert!(inline_bar(2.0).contains("width=\"100.0\""));
        assert!(inline_bar(0.0).contains("width=\"0.0\""));
        assert!(inline_bar(0.001).contains("width=\"1.0\""), "a non-zero share stays visible");
    }
}
