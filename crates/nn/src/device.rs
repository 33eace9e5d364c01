//! Device selection by name (`cpu`, `cuda`, `cuda:N`) and device lists for data-parallel
//! training (`cuda:0,1`, `all`).

use burn::prelude::Device;

use crate::error::{NnError, Result};

pub fn device_from_name(name: &str) -> Result<Device> {
    match name {
        "cpu" | "flex" => Ok(Device::flex()),
        n if n == "cuda" || n.starts_with("cuda:") => {
            #[cfg(feature = "cuda")]
            {
                crate::kernel_cache::configure();
                let idx: usize = n.strip_prefix("cuda:").map(|i| i.parse()).transpose().map_err(|_| NnError::config("--device", format!("bad CUDA index in '{n}'")))?.unwrap_or(0);
                Ok(Device::cuda(idx))
            }
            #[cfg(not(feature = "cuda"))]
            Err(NnError::config("--device", "this build has no CUDA backend; build with `--features cuda` (see tools/GPU.md)"))
        }
        other => Err(NnError::config("--device", format!("unknown device '{other}' (cpu, cuda, cuda:N)"))),
    }
}

/// A device list: one name (`cpu`, `cuda:1`), a comma list (`cuda:0,1` = `cuda:0,cuda:1`; a bare
/// index takes the `cuda:` of the item before it), or `all` (every CUDA device of this machine;
/// on a build without CUDA, the one CPU device). Flex has a single CPU device, so `cpu,cpu`
/// gives the same device twice: it exercises the data-parallel path (tests), it does not speed up.
pub fn devices_from_spec(spec: &str) -> Result<Vec<Device>> {
    let spec = spec.trim();
    if spec == "all" {
        // The same Burn enumeration on both builds, so the CPU build compiles this path too.
        #[cfg(feature = "cuda")]
        let kind = burn::tensor::DeviceType::Cuda;
        #[cfg(not(feature = "cuda"))]
        let kind = burn::tensor::DeviceType::Flex;
        let all: Vec<Device> = Device::enumerate(kind).into_iter().collect();
        if all.is_empty() {
            return Err(NnError::config("--device", "`all`: no device of this build's backend found"));
        }
        return Ok(all);
    }
    let mut names = Vec::new();
    let mut prefix = String::new();
    for item in spec.split(',').map(str::trim) {
        if item.is_empty() {
            return Err(NnError::config("--device", format!("empty item in device list '{spec}'")));
        }
        let name = if item.chars().all(|c| c.is_ascii_digit()) {
            if prefix.is_empty() {
                return Err(NnError::config("--device", format!("bare index '{item}' in '{spec}' needs a `cuda:N` before it")));
            }
            format!("{prefix}{item}")
        } else {
            item.to_string()
        };
        prefix = if name.starts_with("cuda") { "cuda:".into() } else { String::new() };
        let canonical = if name == "cuda" { "cuda:0".to_string() } else { name };
        if canonical.starts_with("cuda:") && names.contains(&canonical) {
            return Err(NnError::config("--device", format!("'{canonical}' appears twice in '{spec}'")));
        }
        names.push(canonical);
    }
    names.iter().map(|n| device_from_name(n)).collect()
}
