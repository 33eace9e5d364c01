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
                warn_if_matmul_switch_ignored();
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

/// The environment variable that asks for Burn's heuristic matmul kernel (one per shape)
/// instead of autotuning each new shape over ~15 compiled candidates. Only a binary from
/// `bench/build_cuda_variant.sh` honours it: that script patches the switch into Burn's CUDA
/// backend and marks the build with `LFDEEP_MATMUL_SWITCH` at compile time.
pub const MATMUL_NO_AUTOTUNE_VAR: &str = "LFDEEP_MATMUL_NO_AUTOTUNE";

/// How this process's matmuls pick their kernels on `device_name`, for benchmark records:
/// `"heuristic"`, `"autotune"` (any CUDA build without the switch, or without the variable) or
/// `"cpu"` (the Flex backend has one kernel).
pub fn matmul_kernels(device_name: &str) -> &'static str {
    matmul_kernels_for(device_name, matmul_switch_asked(), MATMUL_SWITCH_BUILT)
}

/// Whether the build carries the switch (set by `bench/build_cuda_variant.sh` at compile time).
const MATMUL_SWITCH_BUILT: bool = option_env!("LFDEEP_MATMUL_SWITCH").is_some();

/// Any value but `0` asks, the empty one included: the patched backend reads it the same way.
fn matmul_switch_asked() -> bool {
    std::env::var_os(MATMUL_NO_AUTOTUNE_VAR).is_some_and(|v| v != "0")
}

fn matmul_kernels_for(device_name: &str, asked: bool, switch_built: bool) -> &'static str {
    if !(device_name.starts_with("cuda") || device_name == "all") || !cfg!(feature = "cuda") {
        "cpu"
    } else if asked && switch_built {
        "heuristic"
    } else {
        "autotune"
    }
}

/// A variable that would silently do nothing gets said once: the timings would otherwise be
/// labelled with a kernel choice the process never made. (Compiled in tests too, so the CPU
/// build checks it.)
#[cfg(any(feature = "cuda", test))]
#[cfg_attr(not(feature = "cuda"), allow(dead_code))]
fn warn_if_matmul_switch_ignored() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    if matmul_switch_asked() && !MATMUL_SWITCH_BUILT {
        ONCE.call_once(|| {
            eprintln!("warning: {MATMUL_NO_AUTOTUNE_VAR} is set, but this binary was not built by bench/build_cuda_variant.sh: matmuls are autotuned as usual")
        });
    }
}

#[cfg(test)]
mod tests {
    use super::matmul_kernels_for;

    #[test]
    fn matmul_kernels_are_heuristic_only_when_asked_on_a_cuda_build_with_the_switch() {
        assert_eq!(matmul_kernels_for("cpu", true, true), "cpu");
        let cuda = |asked, built| matmul_kernels_for("cuda:0", asked, built);
        if cfg!(feature = "cuda") {
            assert_eq!(cuda(true, true), "heuristic");
            assert_eq!(cuda(true, false), "autotune");
            assert_eq!(cuda(false, true), "autotune");
        } else {
            assert_eq!(cuda(true, true), "cpu");
        }
    }
}
