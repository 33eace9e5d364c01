//! Device selection by name (`cpu`, `cuda`, `cuda:N`).

use burn::prelude::Device;

use crate::error::{NnError, Result};

pub fn device_from_name(name: &str) -> Result<Device> {
    match name {
        "cpu" | "flex" => Ok(Device::flex()),
        n if n == "cuda" || n.starts_with("cuda:") => {
            #[cfg(feature = "cuda")]
            {
                let idx: usize = n.strip_prefix("cuda:").map(|i| i.parse()).transpose().map_err(|_| NnError::config("--device", format!("bad CUDA index in '{n}'")))?.unwrap_or(0);
                Ok(Device::cuda(idx))
            }
            #[cfg(not(feature = "cuda"))]
            Err(NnError::config("--device", "this build has no CUDA backend; build with `--features cuda` (see tools/GPU.md)"))
        }
        other => Err(NnError::config("--device", format!("unknown device '{other}' (cpu, cuda, cuda:N)"))),
    }
}
