//! QR codes of Hosted Link addresses: when no browser can be opened (or the person would
//! rather finish on a phone), the desktop draws [`svg_path`] and the CLI prints [`terminal`].

use qrcode::{Color, EcLevel, QrCode};

use crate::error::{AppError, Result};
use crate::views::QrCodeView;

/// Longest text encoded (a Hosted Link URL is ~100 characters).
pub const MAX_QR_TEXT: usize = 2048;

/// Modules of white border on each side (the standard's quiet zone).
const QUIET: usize = 4;

fn encode(text: &str) -> Result<QrCode> {
    if text.is_empty() || text.len() > MAX_QR_TEXT || text.chars().any(char::is_control) {
        return Err(AppError::invalid(format!(
            "text must be 1 to {MAX_QR_TEXT} characters without control characters"
        )));
    }
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| AppError::invalid(format!("cannot make a QR code of this text: {e}")))
}

/// Whether each module (quiet zone included) is dark, row by row; and the side length.
fn modules(code: &QrCode) -> (usize, Vec<bool>) {
    let width = code.width();
    let size = width + 2 * QUIET;
    let colors = code.to_colors();
    let mut dark = vec![false; size * size];
    for y in 0..width {
        for x in 0..width {
            dark[(y + QUIET) * size + x + QUIET] = colors[y * width + x] == Color::Dark;
        }
    }
    (size, dark)
}

/// The QR code of `text` as one SVG path over a `size` x `size` view box (one unit a module;
/// each horizontal run of dark modules one rectangle).
pub fn svg_path(text: &str) -> Result<QrCodeView> {
    let (size, dark) = modules(&encode(text)?);
    let mut path = String::new();
    for y in 0..size {
        let mut x = 0;
        while x < size {
            if dark[y * size + x] {
                let start = x;
                while x < size && dark[y * size + x] {
                    x += 1;
                }
                path.push_str(&format!("M{start} {y}h{}v1h-{}z", x - start, x - start));
            } else {
                x += 1;
            }
        }
    }
    Ok(QrCodeView {
        size: size as u32,
        path,
    })
}

/// The QR code of `text` for a terminal: two module rows per text line with half blocks,
/// dark modules drawn as spaces on white so it scans on dark and light terminals alike.
pub fn terminal(text: &str) -> Result<String> {
    let (size, dark) = modules(&encode(text)?);
    let at = |x: usize, y: usize| y < size && dark[y * size + x];
    let mut out = String::new();
    for y in (0..size).step_by(2) {
        // White background, black foreground (ANSI), reset at the end of each line.
        out.push_str("\x1b[47;30m");
        for x in 0..size {
            out.push(match (at(x, y), at(x, y + 1)) {
                (false, false) => ' ',
                (true, false) => '▀',
                (false, true) => '▄',
                (true, true) => '█',
            });
        }
        out.push_str("\x1b[0m\n");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rasterises the SVG path (`M x y h w v1 h-w z` runs) and reads it back with rqrr, a
    /// decoder written by someone else.
    fn decode_path(view: &QrCodeView) -> String {
        let size = view.size as usize;
        let scale = 4;
        let mut pixels = vec![255u8; size * size * scale * scale];
        for run in view.path.split('z').filter(|r| !r.is_empty()) {
            let nums: Vec<usize> = run
                .trim_start_matches('M')
                .replace(['h', 'v'], " ")
                .replace('-', "")
                .split(' ')
                .map(|n| n.parse().expect("number"))
                .collect();
            let (x0, y, w) = (nums[0], nums[1], nums[2]);
            for x in x0..x0 + w {
                for dy in 0..scale {
                    for dx in 0..scale {
                        pixels[(y * scale + dy) * size * scale + x * scale + dx] = 0;
                    }
                }
            }
        }
        let side = size * scale;
        let mut img =
            rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| pixels[y * side + x]);
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1, "one QR code");
        grids[0].decode().expect("decodes").1
    }

    #[test]
    fn a_hosted_link_address_round_trips_through_another_decoder() {
        let url =
            "https://secure.plaid.com/link/lp1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b?x=1&y=2";
        let view = svg_path(url).expect("qr");
        assert!(view.size > 20, "{view:?}");
        assert_eq!(decode_path(&view), url);
    }

    #[test]
    fn the_terminal_form_has_the_same_modules() {
        let url = "http://127.0.0.1:41234/link/hosted/0b5e";
        let text = terminal(url).expect("qr");
        let (size, _) = modules(&encode(url).expect("encode"));
        assert_eq!(text.lines().count(), size.div_ceil(2));
        assert!(text.contains('█') && text.contains('▀'));
    }

    #[test]
    fn bad_text_is_refused() {
        for bad in ["", "a\nb", &"x".repeat(MAX_QR_TEXT + 1)] {
            assert!(svg_path(bad).is_err(), "{bad:?}");
        }
    }
}
