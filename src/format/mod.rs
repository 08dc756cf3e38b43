//! Output formatting: Docker-compatible tables, `--format` Go templates,
//! JSON, and human sizes and times.
//!
//! Commands build their rows as `serde_json` objects keyed by Docker's
//! field names and hand them to [`render_rows`] (`images`, `ps`,
//! `volume ls`, `history` …) or [`render_inspect`]. The `--format` value is
//! read once with [`OutputFormat::parse`].
//!
//! Layouts follow the Docker CLI:
//! - tables are aligned like Go's tabwriter with Docker's settings (each
//!   column as wide as its widest cell plus three spaces, at least ten; the
//!   last column unpadded), header first, and the header alone when there
//!   are no rows;
//! - `--format json` prints one compact JSON object per line with sorted
//!   keys, exactly what `{{json .}}` prints (Docker's choice; Podman prints
//!   an array);
//! - a template without `table` prints one line per row and no header;
//! - `inspect` prints a JSON array indented by four spaces, or one line per
//!   value with a template;
//! - a field a row does not have prints `<no value>`.
//!
//! This module depends on no other part of rpod.

mod check;
mod convert;
mod funcs;
mod json;
mod output;
mod render;
mod tabwriter;
mod template;
mod text;
mod units;

pub use output::OutputFormat;
pub use render::{header_for, render_inspect, render_rows, render_rows_with_headers};
pub use tabwriter::align;
pub use template::Template;
pub use text::ellipsis;
pub use units::{created_since, human_duration, human_size, human_size_with_precision, parse_size};
