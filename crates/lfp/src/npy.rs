//! Minimal NumPy `.npy` reading (f32/f64, 1-D or 2-D, C or Fortran order, little-endian)
//! and writing (f64 or f32, 2-D, C order): enough for voltage inputs and potential outputs.

use crate::error::{LfpError, Result};
use crate::matrix::Matrix;
use std::io::Write;
use std::path::Path;

/// Read a 1-D (as one row) or 2-D array into a matrix of f64.
pub fn read_npy(path: &Path) -> Result<Matrix> {
    let bytes = std::fs::read(path).map_err(|e| LfpError::io(path, e))?;
    parse_npy(&bytes).map_err(|m| LfpError::file(path, m))
}

fn parse_npy(b: &[u8]) -> std::result::Result<Matrix, String> {
    if b.len() < 10 || &b[..6] != b"\x93NUMPY" {
        return Err("not a .npy file (missing the \\x93NUMPY magic)".into());
    }
    let major = b[6];
    let (hlen, start) = match major {
        1 => (u16::from_le_bytes([b[8], b[9]]) as usize, 10),
        2 | 3 => {
            if b.len() < 12 {
                return Err("truncated header".into());
            }
            (u32::from_le_bytes([b[8], b[9], b[10], b[11]]) as usize, 12)
        }
        v => return Err(format!("unsupported .npy version {v}")),
    };
    let header = std::str::from_utf8(b.get(start..start + hlen).ok_or("truncated header")?).map_err(|_| "header is not text")?;
    let descr = dict_value(header, "descr").ok_or("header has no 'descr'")?;
    let fortran = dict_value(header, "fortran_order").ok_or("header has no 'fortran_order'")?.starts_with("True");
    let shape_txt = dict_value(header, "shape").ok_or("header has no 'shape'")?;
    let dims: Vec<usize> = shape_txt
        .trim_matches(|c| c == '(' || c == ')')
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<usize>().map_err(|_| format!("bad shape {shape_txt}")))
        .collect::<std::result::Result<_, _>>()?;
    let (rows, cols) = match dims.as_slice() {
        [n] => (1, *n),
        [r, c] => (*r, *c),
        _ => return Err(format!("expected a 1-D or 2-D array, got shape {shape_txt}")),
    };
    let descr = descr.trim_matches(|c| c == '\'' || c == '"');
    let data = &b[start + hlen..];
    let n = rows * cols;
    let values: Vec<f64> = match descr {
        "<f8" => {
            let need = n * 8;
            if data.len() < need {
                return Err(format!("data too short: {} bytes for {n} f64 values", data.len()));
            }
            data[..need].chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().unwrap())).collect()
        }
        "<f4" => {
            let need = n * 4;
            if data.len() < need {
                return Err(format!("data too short: {} bytes for {n} f32 values", data.len()));
            }
            data[..need].chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().unwrap()) as f64).collect()
        }
        other => return Err(format!("unsupported dtype '{other}' (use float32 '<f4' or float64 '<f8')")),
    };
    let m = Matrix { rows, cols, data: values };
    if fortran && dims.len() == 2 {
        // Stored column-major: read as cols × rows, then transpose.
        let t = Matrix { rows: cols, cols: rows, data: m.data };
        return Ok(t.transpose());
    }
    Ok(m)
}

/// The text after `'key':` in a header dict, up to the next top-level comma.
fn dict_value<'a>(header: &'a str, key: &str) -> Option<&'a str> {
    let i = header.find(&format!("'{key}'"))?;
    let rest = header[i + key.len() + 2..].trim_start().strip_prefix(':')?.trim_start();
    let mut depth = 0;
    for (k, ch) in rest.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&rest[..=k]);
                }
            }
            ',' | '}' if depth == 0 => return Some(rest[..k].trim()),
            _ => {}
        }
    }
    None
}

/// Write a matrix as a C-order 2-D `.npy` (f64, or f32 when `as_f32`), through a temporary
/// file renamed into place so a half-written file never looks complete.
pub fn write_npy(path: &Path, m: &Matrix, as_f32: bool) -> Result<()> {
    let descr = if as_f32 { "<f4" } else { "<f8" };
    let mut header = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': ({}, {}), }}", m.rows, m.cols);
    // Pad so that magic + version + length + header is a multiple of 64, ending in '\n'.
    let total = 10 + header.len() + 1;
    header.push_str(&" ".repeat((64 - total % 64) % 64));
    header.push('\n');
    let mut out = Vec::with_capacity(10 + header.len() + m.data.len() * 8);
    out.extend_from_slice(b"\x93NUMPY\x01\x00");
    out.extend_from_slice(&(header.len() as u16).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    for &v in &m.data {
        if as_f32 {
            out.extend_from_slice(&(v as f32).to_le_bytes());
        } else {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    let tmp = path.with_extension("npy.partial");
    let mut f = std::fs::File::create(&tmp).map_err(|e| LfpError::io(&tmp, e))?;
    f.write_all(&out).map_err(|e| LfpError::io(&tmp, e))?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(|e| LfpError::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let m = Matrix::from_vec(2, 3, vec![1.0, -2.5, 3.0, 4.0, 5.0, 6.25]).unwrap();
        let dir = std::env::temp_dir().join(format!("lfdeep-lfp-npy-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("a.npy");
        write_npy(&p, &m, false).unwrap();
        assert_eq!(read_npy(&p).unwrap(), m);
        write_npy(&p, &m, true).unwrap();
        assert_eq!(read_npy(&p).unwrap(), m);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn rejects_garbage() {
        assert!(parse_npy(b"hello world, not npy").is_err());
    }
}
