//! Identifier and token shapes, as Plaid's: 37-char base62 ids, 15-char request ids,
//! `<kind>-sandbox-<uuid>` tokens. Ids of generated data are derived from seeds so they are stable.

use rand::Rng;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// SplitMix64: a fast, well-mixed hash of a 64-bit value.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Mixes two values into one hash.
pub fn mix2(a: u64, b: u64) -> u64 {
    mix(a ^ mix(b.wrapping_add(0x632B_E59B_D9B4_E019)))
}

/// A stable 64-bit hash of a string (FNV-1a, then mixed).
pub fn hash_str(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    mix(h)
}

/// A 37-character base62 id derived from `(seed, salt)`.
pub fn derived_id(seed: u64, salt: u64) -> String {
    let mut h = mix2(seed, salt);
    let mut out = String::with_capacity(37);
    for i in 0..37u64 {
        if i % 10 == 0 {
            h = mix2(h, i);
        }
        out.push(BASE62[(h % 62) as usize] as char);
        h /= 62;
    }
    out
}

/// A random base62 string of `len` characters.
pub fn random_base62(len: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| BASE62[rng.gen_range(0..62)] as char)
        .collect()
}

/// A 15-character request id.
pub fn request_id() -> String {
    random_base62(15)
}

/// `link-sandbox-<uuid>`, `public-sandbox-<uuid>`, `access-sandbox-<uuid>`.
pub fn token(kind: &str) -> String {
    format!("{kind}-sandbox-{}", uuid::Uuid::new_v4())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_plaid_shapes() {
        let id = derived_id(1, 2);
        assert_eq!(id.len(), 37);
        assert!(id.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_eq!(id, derived_id(1, 2));
        assert_ne!(id, derived_id(1, 3));
        assert_eq!(request_id().len(), 15);
        let t = token("access");
        assert!(t.starts_with("access-sandbox-"));
        assert_eq!(t.len(), "access-sandbox-".len() + 36);
    }
}
