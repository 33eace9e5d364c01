//! A streaming `.npy` (format 1.0) writer: header first, then rows appended in order.

use crate::error::{DataError, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Element types the exporter writes.
pub trait NpyElem: Copy {
    const DESCR: &'static str;
    fn write_le(&self, out: &mut Vec<u8>);
}
macro_rules! elem {
    ($t:ty, $d:expr) => {
        impl NpyElem for $t {
            const DESCR: &'static str = $d;
            fn write_le(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
        }
    };
}
elem!(f32, "<f4");
elem!(f64, "<f8");
elem!(u32, "<u4");
elem!(u8, "|u1");
elem!(half::f16, "<f2");

pub struct NpyWriter {
    path: PathBuf,
    file: std::io::BufWriter<std::fs::File>,
    expected: u64,
    written: u64,
}

impl NpyWriter {
    /// Create `path` for an array of `shape` with element type `descr`.
    pub fn create_descr(path: &Path, descr: &str, shape: &[u64]) -> Result<Self> {
        let dims = match shape.len() {
            0 => "()".to_string(),
            1 => format!("({},)", shape[0]),
            _ => format!("({})", shape.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", ")),
        };
        let mut header = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {dims}, }}");
        // Magic (6) + version (2) + header length (2) + header + '\n' padded to 64 bytes.
        let total = 10 + header.len() + 1;
        header.push_str(&" ".repeat((64 - total % 64) % 64));
        header.push('\n');
        let f = std::fs::File::create(path).map_err(|e| DataError::io(path, e))?;
        let mut file = std::io::BufWriter::new(f);
        let mut head = b"\x93NUMPY\x01\x00".to_vec();
        head.extend_from_slice(&(header.len() as u16).to_le_bytes());
        head.extend_from_slice(header.as_bytes());
        file.write_all(&head).map_err(|e| DataError::io(path, e))?;
        Ok(NpyWriter { path: path.to_path_buf(), file, expected: shape.iter().product(), written: 0 })
    }

    pub fn create<T: NpyElem>(path: &Path, shape: &[u64]) -> Result<Self> {
        Self::create_descr(path, T::DESCR, shape)
    }

    pub fn append<T: NpyElem>(&mut self, values: &[T]) -> Result<()> {
        let mut buf = Vec::with_capacity(values.len() * 8);
        for v in values {
            v.write_le(&mut buf);
        }
        self.written += values.len() as u64;
        self.file.write_all(&buf).map_err(|e| DataError::io(&self.path, e))
    }

    pub fn finish(mut self) -> Result<()> {
        if self.written != self.expected {
            return Err(DataError::Invalid(format!("{}: wrote {} elements, shape needs {}", self.path.display(), self.written, self.expected)));
        }
        self.file.flush().map_err(|e| DataError::io(&self.path, e))
    }
}

/// Write a whole array at once.
pub fn write<T: NpyElem>(path: &Path, shape: &[u64], values: &[T]) -> Result<()> {
    let mut w = NpyWriter::create::<T>(path, shape)?;
    w.append(values)?;
    w.finish()
}
