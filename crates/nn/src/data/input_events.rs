//! Binary input windows as events: the flat indices of their ones instead of the dense raster.
//!
//! In `inputs` mode every input channel is a 0/1 synaptic spike raster about 1 % dense (17
//! spikes per ms over 1278 synapses on the default cell), yet a dense TCN batch of 64 × 400 ms is
//! 131 MB of f32 to copy to the device every step. As events (one i32 per one, ~1.7 MB for that
//! batch) the copy shrinks ~75-fold; the device rebuilds the raster with one scatter into zeros.
//! Indices are flat into [batch, channels, window], sorted, each at most once (two spikes of one
//! synapse in the same 1 ms bin are one 1, as in the dense raster).

use burn::prelude::*;
use burn::tensor::IndexingUpdateOp;

/// The largest flat index an i32 event can hold; batches beyond it stay dense.
pub const MAX_EVENT_VALUES: usize = i32::MAX as usize;

/// Events of a dense 0/1 buffer (its nonzero positions), for tests and conversions.
pub fn events_of_dense(x: &[f32]) -> Vec<i32> {
    x.iter().enumerate().filter(|(_, &v)| v != 0.0).map(|(i, _)| i as i32).collect()
}

/// The events of rows `start..start + rows` (each `row` values long) of a batch, re-based to
/// start at row 0 (the events of one data-parallel shard).
pub fn shard_events(events: &[i32], row: usize, start: usize, rows: usize) -> Vec<i32> {
    let (lo, hi) = ((start * row) as i64, ((start + rows) * row) as i64);
    let a = events.partition_point(|&e| (e as i64) < lo);
    let b = events.partition_point(|&e| (e as i64) < hi);
    events[a..b].iter().map(|&e| (e as i64 - lo) as i32).collect()
}

/// The dense [batch, channels, window] tensor of `events` on `device`: zeros, then a 1 scattered
/// at each event (indices are unique, so adding is setting).
pub fn events_to_tensor(events: Vec<i32>, shape: [usize; 3], device: &Device) -> Tensor<3> {
    let n: usize = shape.iter().product();
    let zeros = Tensor::<1>::zeros([n], device);
    if events.is_empty() {
        return zeros.reshape(shape);
    }
    let k = events.len();
    let idx = Tensor::<1, Int>::from_data(TensorData::new(events, [k]), device);
    zeros.select_assign(0, idx, Tensor::ones([k], device), IndexingUpdateOp::Add).reshape(shape)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_rebuild_the_dense_raster_and_split_by_rows() {
        let dense: Vec<f32> = (0..60).map(|i| if i % 7 == 3 || i == 59 { 1.0 } else { 0.0 }).collect();
        let ev = events_of_dense(&dense);
        assert_eq!(ev.first(), Some(&3));
        assert_eq!(ev.last(), Some(&59));
        let t = events_to_tensor(ev.clone(), [3, 4, 5], &Device::flex());
        assert_eq!(t.into_data().try_to_vec_as::<f32>().unwrap(), dense);
        // Rows of 20 values: the second row's events, counted from its own start.
        let mid = shard_events(&ev, 20, 1, 1);
        let want: Vec<i32> = events_of_dense(&dense[20..40]);
        assert_eq!(mid, want);
        assert_eq!(shard_events(&ev, 20, 0, 3), ev);
        assert!(events_to_tensor(Vec::new(), [1, 2, 3], &Device::flex()).into_data().try_to_vec_as::<f32>().unwrap().iter().all(|&v| v == 0.0));
    }
}
