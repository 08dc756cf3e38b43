//! Column alignment with the rules of Go's `text/tabwriter`, which Docker
//! uses for every table (`minwidth 10, tabwidth 1, padding 3, padchar ' '`).
//!
//! Text is split into lines at `\n` and into cells at `\t`. A cell ended by
//! a tab belongs to a column; the text after a line's last tab does not.
//! A column block is a run of adjacent lines that all have a cell in that
//! column; every cell in a block is padded with spaces to
//! `max(minwidth, widest cell + padding)`. Widths count characters.

/// Docker's table settings: `tabwriter.NewWriter(out, 10, 1, 3, ' ', 0)`.
pub const DOCKER_MIN_WIDTH: usize = 10;
/// Spaces added after the widest cell of a column.
pub const DOCKER_PADDING: usize = 3;

/// Aligns `text` the way Docker's tabwriter would print it.
pub fn align(text: &str, min_width: usize, padding: usize) -> String {
    let lines: Vec<Vec<Cell<'_>>> = text
        .split('\n')
        .map(|line| {
            line.split('\t')
                .map(|cell| Cell {
                    text: cell,
                    width: cell.chars().count(),
                })
                .collect()
        })
        .collect();
    let mut aligner = Aligner {
        lines: &lines,
        min_width,
        padding,
        widths: Vec::new(),
        out: String::with_capacity(text.len() * 2),
    };
    aligner.format(0, lines.len());
    aligner.out
}

struct Cell<'a> {
    text: &'a str,
    width: usize,
}

struct Aligner<'a, 'b> {
    lines: &'b [Vec<Cell<'a>>],
    min_width: usize,
    padding: usize,
    /// Widths of the columns to the left of the one being laid out.
    widths: Vec<usize>,
    out: String,
}

impl Aligner<'_, '_> {
    /// Lays out lines `line0..line1`, all of which already have cells in
    /// every column of `self.widths`.
    fn format(&mut self, mut line0: usize, line1: usize) {
        let column = self.widths.len();
        let has_cell = |line: &Vec<Cell<'_>>| column + 1 < line.len();
        let mut this = line0;
        while this < line1 {
            if !has_cell(&self.lines[this]) {
                this += 1;
                continue;
            }
            // A block of lines with a cell in this column starts here.
            self.write_lines(line0, this);
            line0 = this;
            let mut width = self.min_width;
            while this < line1 && has_cell(&self.lines[this]) {
                width = width.max(self.lines[this][column].width + self.padding);
                this += 1;
            }
            self.widths.push(width);
            self.format(line0, this);
            self.widths.pop();
            line0 = this;
        }
        self.write_lines(line0, line1);
    }

    fn write_lines(&mut self, line0: usize, line1: usize) {
        for i in line0..line1 {
            for (j, cell) in self.lines[i].iter().enumerate() {
                self.out.push_str(cell.text);
                if let Some(&width) = self.widths.get(j) {
                    let pad = width.saturating_sub(cell.width);
                    self.out.extend(std::iter::repeat_n(' ', pad));
                }
            }
            if i + 1 < self.lines.len() {
                self.out.push('\n');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docker(text: &str) -> String {
        align(text, DOCKER_MIN_WIDTH, DOCKER_PADDING)
    }

    #[test]
    fn images_table() {
        let text = "REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE\n\
                    busybox\tlatest\tbeae173ccac6\t2 years ago\t1.24MB\n\
                    docker.io/library/alpine\t3.19\t05455a08881e\t5 weeks ago\t7.38MB\n";
        let want = "\
REPOSITORY                 TAG       IMAGE ID       CREATED       SIZE
busybox                    latest    beae173ccac6   2 years ago   1.24MB
docker.io/library/alpine   3.19      05455a08881e   5 weeks ago   7.38MB
";
        assert_eq!(docker(text), want);
    }

    #[test]
    fn header_only_uses_min_width() {
        let text = "REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE\n";
        assert_eq!(
            docker(text),
            "REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n"
        );
    }

    #[test]
    fn last_cell_is_not_padded_and_empty_cells_are() {
        let text = "A\t\tC\nlonger\tx\t\n";
        assert_eq!(
            docker(text),
            "A                   C\nlonger    x         \n"
        );
    }

    #[test]
    fn a_line_without_tabs_ends_the_block() {
        let text = "a\tb\nno tabs here at all\nlonger-cell\tc\n";
        assert_eq!(
            docker(text),
            "a         b\nno tabs here at all\nlonger-cell   c\n"
        );
    }

    #[test]
    fn widths_count_characters() {
        let text = "héllo\tx\nab\ty\n";
        assert_eq!(docker(text), "héllo     x\nab        y\n");
    }

    #[test]
    fn nested_blocks_like_go() {
        // Column 1 exists only on the first two lines, so the third line
        // gets its own block for column 1.
        let text = "a\tbb\tc\nddd\te\tf\ng\th\n";
        let want = "a         bb        c\nddd       e         f\ng         h\n";
        assert_eq!(docker(text), want);
    }

    #[test]
    fn text_without_final_newline_is_kept() {
        assert_eq!(docker("a\tb"), "a         b");
        assert_eq!(docker(""), "");
    }
}
