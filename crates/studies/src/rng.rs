//! Reproducible random streams keyed by (seed, index, purpose), so a study gives the same
//! numbers whatever the order or thread in which its simulations are drawn.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// What a random stream is used for; each purpose gets an independent stream.
#[derive(Clone, Copy, Debug)]
pub enum Purpose {
    TrainInputs = 1,
    TestInputs = 2,
    NetworkInit = 3,
    Batches = 4,
    Encoder = 5,
    Samples = 6,
    Latents = 7,
    SpikeTrains = 8,
}

/// The stream for `(seed, index, purpose)`: ChaCha8 keyed by seed and purpose, with the
/// index as ChaCha's 64-bit stream number (streams never overlap).
pub fn stream(seed: u64, index: u64, purpose: Purpose) -> ChaCha8Rng {
    let key = seed ^ (purpose as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut r = ChaCha8Rng::seed_from_u64(key);
    r.set_stream(index);
    r
}
