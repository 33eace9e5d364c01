//! Zeroed host buffers for training batches, backed by huge pages where the kernel allows.
//!
//! A TCN batch of 64 windows is a fresh ~130 MB allocation; with 4 KiB pages its first touch
//! costs ~32,000 page faults, which a profile of the loader put at a quarter of its time
//! (BENCHMARKS.md, "The window loader"). Asking for transparent huge pages (2 MiB) cuts the
//! faults 512-fold where THP is `madvise` or `always`; elsewhere the advice is ignored and the
//! buffer is an ordinary zeroed vector.

/// A vector of `n` zeros.
pub fn zeroed(n: usize) -> Vec<f32> {
    // Below a few huge pages the advice cannot pay for the explicit zeroing below.
    const MIN_BYTES: usize = 8 << 20;
    let bytes = n * std::mem::size_of::<f32>();
    if bytes < MIN_BYTES {
        return vec![0.0; n];
    }
    let mut v: Vec<f32> = Vec::with_capacity(n);
    advise_huge_pages(v.as_mut_ptr().cast(), bytes);
    // Written here (not calloc's untouched zero pages), so the pages are faulted in as huge
    // pages now, on the loader thread.
    v.resize(n, 0.0);
    v
}

#[cfg(target_os = "linux")]
fn advise_huge_pages(ptr: *mut u8, bytes: usize) {
    const PAGE: usize = 4096;
    let start = (ptr as usize).div_ceil(PAGE) * PAGE;
    let end = (ptr as usize + bytes) / PAGE * PAGE;
    if end > start {
        // SAFETY: [start, end) lies inside the allocation just made; MADV_HUGEPAGE changes how
        // pages are backed, never their contents. A refusal (THP off) is harmless.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge_pages(_ptr: *mut u8, _bytes: usize) {}

#[cfg(test)]
mod tests {
    use super::zeroed;

    #[test]
    fn buffers_are_zero_and_of_the_asked_length_on_both_paths() {
        // Below and above the huge-page threshold (8 MiB = 2,097,152 floats), and odd sizes.
        for n in [0, 1, 1000, 2_097_151, 2_097_152, 3_000_001] {
            let v = zeroed(n);
            assert_eq!(v.len(), n);
            assert!(v.iter().all(|&x| x == 0.0), "n = {n}");
        }
    }
}
