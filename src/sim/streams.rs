//! Seeded random streams, one per purpose. Replication r of a scenario with seed s draws call
//! times from one stream, places from another, and so on; so two scenarios run with the same
//! seed see the same calls, whatever else differs (common random numbers), and the results do
//! not depend on how replications are spread over threads.

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

/// The random generator of every stream.
pub type Stream = Pcg64Mcg;

/// What a stream is used for.
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
pub enum Purpose {
    CallTimes = 1,
    CallPlaces = 2,
    CallTypes = 3,
    OnSceneTimes = 4,
    /// Whether a call's suspect flees (a counter-based draw per call, see [`draw`]).
    FleeingSuspect = 5,
}

/// The stream for (seed, replication, purpose): independent of every other triple.
pub fn stream(seed: u64, replication: u32, purpose: Purpose) -> Stream {
    let mut x = splitmix64(seed);
    x = splitmix64(x ^ u64::from(replication));
    x = splitmix64(x ^ purpose as u64);
    Stream::seed_from_u64(x)
}

/// A uniform draw in [0, 1) for item `counter` (a call id, say) of (seed, replication,
/// purpose): counter-based, so it depends on nothing else that happened in the replication
/// (two scenarios on the same calls draw the same for each call, whatever their force).
pub fn draw(seed: u64, replication: u32, purpose: Purpose, counter: u64) -> f64 {
    let mut x = splitmix64(seed);
    x = splitmix64(x ^ u64::from(replication));
    x = splitmix64(x ^ purpose as u64);
    x = splitmix64(x ^ counter);
    // The top 53 bits, as a double in [0, 1).
    (x >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// SplitMix64's finaliser: a bijective mix of the bits.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The streams of one replication.
pub struct Streams {
    pub call_times: Stream,
    pub call_places: Stream,
    pub call_types: Stream,
    pub on_scene_times: Stream,
}

impl Streams {
    /// All streams of replication `replication` under `seed`.
    pub fn new(seed: u64, replication: u32) -> Self {
        Streams {
            call_times: stream(seed, replication, Purpose::CallTimes),
            call_places: stream(seed, replication, Purpose::CallPlaces),
            call_types: stream(seed, replication, Purpose::CallTypes),
            on_scene_times: stream(seed, replication, Purpose::OnSceneTimes),
        }
    }
}
