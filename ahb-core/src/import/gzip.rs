//! gzip-compressed exports: Cost Management compresses CSV exports with gzip when asked
//! (its `compressionMode`: gzip for CSV, Snappy for Parquet). The inflated size is bounded
//! before it is allocated, so a small hostile file cannot claim unbounded memory.

use std::io::Read;

use crate::error::{Error, ErrorCode, Result};

/// How many times its compressed size a gzip export may inflate to (CSV exports compress
/// 10–30×; deflate's own limit is about 1,030×), beyond [`SLACK`].
const MAX_RATIO: usize = 200;

/// Bytes any gzip export may inflate to, whatever its compressed size.
const SLACK: usize = 64 << 20;

/// Whether `bytes` start with gzip's magic (`1f 8b`).
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// The inflated bytes of a gzip file (every member, as `cat a.gz b.gz` makes), at most
/// [`MAX_RATIO`] times its compressed size plus [`SLACK`].
pub(crate) fn gunzip(file: &str, bytes: &[u8]) -> Result<Vec<u8>> {
    let limit = bytes.len().saturating_mul(MAX_RATIO).saturating_add(SLACK);
    gunzip_within(bytes, limit).map_err(|e| e.in_file(file))
}

fn gunzip_within(bytes: &[u8], limit: usize) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut inflater = flate2::read::MultiGzDecoder::new(bytes)
        .take(u64::try_from(limit).map_or(u64::MAX, |l| l.saturating_add(1)));
    inflater.read_to_end(&mut out).map_err(|e| {
        Error::new(
            ErrorCode::Parse,
            format!("the gzip-compressed export does not inflate: {e}"),
        )
    })?;
    if out.len() > limit {
        return Err(Error::new(
            ErrorCode::InvalidValue,
            format!(
                "the gzip-compressed export inflates to more than {limit} bytes ({MAX_RATIO} times \
                 its compressed size and 64 MiB more): refused as a decompression bomb"
            ),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn members_inflate_within_the_bound_and_no_further() {
        let (a, b) = (gz(b"Date,Quantity\n"), gz(b"2026-03-01,24\n"));
        assert!(is_gzip(&a) && !is_gzip(b"Date,Quantity\n"));
        let both = [a.clone(), b].concat();
        assert_eq!(
            gunzip("x.gz", &both).unwrap(),
            b"Date,Quantity\n2026-03-01,24\n"
        );
        // A thousand zeros in a few bytes: within a bound of 1,000, not of 999.
        let zeros = gz(&[0; 1000]);
        assert_eq!(gunzip_within(&zeros, 1000).unwrap().len(), 1000);
        let e = gunzip_within(&zeros, 999).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidValue);
        assert!(e.message().contains("decompression bomb"), "{e}");
        // Cut short or damaged: a parse error that names the file.
        let e = gunzip("cut.csv.gz", &a[..a.len() - 5]).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Parse);
        assert_eq!(e.location().file.as_deref(), Some("cut.csv.gz"));
        assert_eq!(
            gunzip("e.gz", &[0x1f, 0x8b]).unwrap_err().code(),
            ErrorCode::Parse
        );
    }

    /// Every byte of a valid file changed, and every cut: a result or a typed error, within
    /// the bound, never a panic.
    #[test]
    fn damaged_files_are_results_or_typed_errors() {
        let good = gz(b"Date,Quantity,MeterCategory\n2026-03-01,24,Virtual Machines\n");
        for i in 0..good.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut bad = good.clone();
                bad[i] ^= flip;
                match gunzip_within(&bad, 4096) {
                    Ok(out) => assert!(out.len() <= 4096),
                    Err(e) => assert!(matches!(
                        e.code(),
                        ErrorCode::Parse | ErrorCode::InvalidValue
                    )),
                }
            }
            let _ = gunzip_within(&good[..i], 4096);
        }
    }
}
