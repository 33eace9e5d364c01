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
                kernel_cache::configure();
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

/// CubeCL's run-time configuration for the CUDA build, set once before the first device opens.
///
/// CUDA kernels are compiled at run time (NVRTC) and autotuned on first use of each shape. Both
/// results can persist across processes: autotune results always do in CubeCL, compiled kernels
/// only when `compilation.cache` is on, which this turns on. Everything goes under one
/// directory: `$LFDEEP_KERNEL_CACHE`, else `$XDG_CACHE_HOME/lfdeep/kernels`, else
/// `~/.cache/lfdeep/kernels` (CubeCL's own default is `target/environment` of the enclosing
/// Cargo workspace, which depends on the working directory). `LFDEEP_KERNEL_CACHE=off` leaves
/// CubeCL's configuration alone (its files `cubecl.toml` and variables `CUBECL_*` still apply
/// in every case).
#[cfg(feature = "cuda")]
pub mod kernel_cache {
    use cubecl::config::{CubeClRuntimeConfig, RuntimeConfig};
    use std::path::PathBuf;
    use std::sync::Once;

    /// The cache directory, or `None` when `LFDEEP_KERNEL_CACHE=off`.
    pub fn directory() -> Option<PathBuf> {
        match std::env::var_os("LFDEEP_KERNEL_CACHE") {
            Some(v) if v == "off" => None,
            Some(v) if !v.is_empty() => Some(PathBuf::from(v)),
            _ => {
                let base = std::env::var_os("XDG_CACHE_HOME")
                    .filter(|v| !v.is_empty())
                    .map(PathBuf::from)
                    .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
                    .unwrap_or_else(std::env::temp_dir);
                Some(base.join("lfdeep").join("kernels"))
            }
        }
    }

    pub fn configure() {
        static ONCE: Once = Once::new();
        ONCE.call_once(|| {
            let Some(dir) = directory() else { return };
            let mut cfg = CubeClRuntimeConfig::from_current_dir().override_from_env();
            cfg.compilation.cache = true;
            cfg.environment.path = cubecl::config::cache::CacheConfig::Directory(dir);
            // false: something read CubeCL's configuration first; it stays as it was.
            let _ = CubeClRuntimeConfig::try_set(cfg);
        });
    }
}
