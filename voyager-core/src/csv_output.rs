//! CSV for people who open it in a spreadsheet: names came from databases, and a cell that
//! starts with `=`, `+`, `-`, `@`, a tab or a carriage return would run as a formula. As OWASP
//! advises, such a cell gets a leading `'`; plain numbers (`-1.5`) are left as they are.

use std::borrow::Cow;

use crate::{Error, Result};

/// One cell, safe to open in a spreadsheet.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let number = cell.parse::<f64>().is_ok() && cell.bytes().all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b));
    if risky && !number {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A CSV document: the header, then one record per row, every cell neutralised.
pub fn to_csv<R, C>(header: &[&str], rows: impl IntoIterator<Item = R>) -> Result<String>
where
    R: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let failed = |e: &dyn std::fmt::Display| Error::internal(format!("could not write CSV: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(|e| failed(&e))?;
    for row in rows {
        let cells: Vec<String> = row.into_iter().map(|c| neutralise(c.as_ref()).into_owned()).collect();
        w.write_record(&cells).map_err(|e| failed(&e))?;
    }
    let bytes = w.into_inner().map_err(|e| failed(&e))?;
    String::from_utf8(bytes).map_err(|e| failed(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        for (cell, shown) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("-1.5", "-1.5"),
            ("1e-3", "1e-3"),
            ("app db", "app db"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(neutralise(cell), shown, "{cell:?}");
        }
    }

    #[test]
    fn a_document_reads_back_with_every_cell_safe() {
        let text = to_csv(&["name", "n"], [["=1+1", "-3"], ["ok, \"quoted\"", "4"]]).unwrap();
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<Vec<String>> = r
            .records()
            .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
            .collect();
        assert_eq!(rows, vec![vec!["'=1+1", "-3"], vec!["ok, \"quoted\"", "4"]]);
    }
}
