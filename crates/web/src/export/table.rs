//! Tables written as CSV or XLSX, safe to open in a spreadsheet: text a citizen typed
//! never runs as a formula there.

use crate::problem::Problem;
use aduan_service::{AppError, Cell};
use rust_xlsxwriter::{Format, Workbook};
use std::borrow::Cow;

/// Characters that make a spreadsheet read a cell as a formula (OWASP's list for CSV
/// injection: `=`, `+`, `-`, `@`, and tab and carriage return before them).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Excel's limit on the characters of one cell, counted in UTF-16 units.
const XLSX_CELL_MAX: usize = 32_767;

/// A text cell for a CSV: one that would start a formula gets a leading apostrophe,
/// which spreadsheets hide and read as "this is text".
pub(crate) fn guard(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) { Cow::Owned(format!("'{text}")) } else { Cow::Borrowed(text) }
}

fn csv_value(cell: &Cell) -> Cow<'_, str> {
    match cell {
        Cell::Empty => Cow::Borrowed(""),
        Cell::Text(t) => guard(t),
        Cell::Int(n) => Cow::Owned(n.to_string()),
        // The shortest text that reads back as the same number, with a point.
        Cell::Ratio(v) | Cell::Num(v) => Cow::Owned(v.to_string()),
    }
}

fn failed(e: impl std::fmt::Display) -> Problem {
    Problem::from(AppError::Internal(format!("writing an export: {e}")))
}

/// CSV (RFC 4180, comma, CRLF): `header` then `rows`. With `bom`, a UTF-8 byte order mark
/// first, so that Excel reads Indonesian text as UTF-8 (the staff's spreadsheets); the
/// machine-read feed goes without one.
pub(crate) fn csv(header: &[String], rows: &[Vec<Cell>], bom: bool) -> Result<Vec<u8>, Problem> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out);
    w.write_record(header.iter().map(|h| guard(h).into_owned())).map_err(failed)?;
    for row in rows {
        w.write_record(row.iter().map(csv_value).map(Cow::into_owned)).map_err(failed)?;
    }
    w.into_inner().map_err(failed)
}

/// One worksheet named `sheet`: a bold, frozen header row with filters, then `rows`.
/// Text is written as text (never as a formula), numbers as numbers, shares as
/// percentages.
pub(crate) fn xlsx(sheet: &str, header: &[String], rows: &[Vec<Cell>]) -> Result<Vec<u8>, Problem> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let percent = Format::new().set_num_format("0.0%");
    let ws = book.add_worksheet();
    ws.set_name(sheet).map_err(failed)?;
    for (col, h) in header.iter().enumerate() {
        let col = u16::try_from(col).map_err(failed)?;
        ws.write_string_with_format(0, col, h, &bold).map_err(failed)?;
        ws.set_column_width(col, 18).map_err(failed)?;
    }
    for (i, row) in rows.iter().enumerate() {
        let r = u32::try_from(i + 1).map_err(failed)?;
        for (col, cell) in row.iter().enumerate() {
            let col = u16::try_from(col).map_err(failed)?;
            match cell {
                Cell::Empty => continue,
                Cell::Text(t) => ws.write_string(r, col, fit(t)).map_err(failed)?,
                Cell::Int(n) => ws.write_number(r, col, *n as f64).map_err(failed)?,
                Cell::Ratio(v) => ws.write_number_with_format(r, col, *v, &percent).map_err(failed)?,
                Cell::Num(v) => ws.write_number(r, col, *v).map_err(failed)?,
            };
        }
    }
    if !header.is_empty() {
        let last_col = u16::try_from(header.len() - 1).map_err(failed)?;
        let last_row = u32::try_from(rows.len()).map_err(failed)?;
        ws.autofilter(0, 0, last_row, last_col).map_err(failed)?;
        ws.set_freeze_panes(1, 0).map_err(failed)?;
    }
    book.save_to_buffer().map_err(failed)
}

/// A text within Excel's cell limit. Descriptions are far shorter; only a pathological
/// one is cut, visibly, with "…" (the CSV keeps it whole).
fn fit(text: &str) -> Cow<'_, str> {
    if text.encode_utf16().count() <= XLSX_CELL_MAX {
        return Cow::Borrowed(text);
    }
    let mut units = 0;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        units += c.len_utf16();
        if units > XLSX_CELL_MAX - 1 {
            break;
        }
        end = i + c.len_utf8();
    }
    Cow::Owned(format!("{}…", &text[..end]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text() {
        for risky in ["=SUM(A1)", "+62812", "-1+1", "@cmd", "\t=1", "\r=1"] {
            assert_eq!(guard(risky), format!("'{risky}"));
        }
        assert_eq!(guard("Jalan rusak"), "Jalan rusak");
        assert_eq!(guard(""), "");
        let bytes = csv(&["a".into()], &[vec![Cell::Text("=HYPERLINK(\"x\")".into())], vec![Cell::Int(-3)]], false)
            .expect("csv");
        let text = String::from_utf8(bytes).expect("utf-8");
        assert_eq!(text, "a\r\n\"'=HYPERLINK(\"\"x\"\")\"\r\n-3\r\n");
    }

    #[test]
    fn long_text_fits_a_cell() {
        let long = "é".repeat(40_000);
        let cut = fit(&long);
        assert_eq!(cut.encode_utf16().count(), XLSX_CELL_MAX);
        assert!(cut.ends_with('…'));
        assert_eq!(fit("pendek"), "pendek");
    }
}
