//! A marker for bad input found by readers that report with `anyhow` (map files, run folders,
//! output folders, command-line values): the command line maps it to exit code 2, like
//! `ScenarioError`, instead of 1 for failures while working (a full disk, ...).

use std::borrow::Cow;
use thiserror::Error;

/// An error caused by what the user gave (a file, a folder, an argument); its message is the
/// wrapped error's.
#[derive(Debug, Error)]
#[error(transparent)]
pub struct BadInput(pub anyhow::Error);

/// Marks the error of `result` as bad input.
pub fn bad_input<T>(result: anyhow::Result<T>) -> anyhow::Result<T> {
    result.map_err(|e| BadInput(e).into())
}

/// The most characters of a value that an error echoes.
pub const MAX_ECHO_CHARS: usize = 80;

/// `text` as an error echoes it: whole up to [`MAX_ECHO_CHARS`] characters, else its first ones
/// and its length (`aaaa… (200000 characters)`), so that a 200 KB line is not printed whole.
pub fn cut(text: &str) -> Cow<'_, str> {
    let chars = text.chars().count();
    if chars <= MAX_ECHO_CHARS {
        return Cow::Borrowed(text);
    }
    let head: String = text.chars().take(MAX_ECHO_CHARS).collect();
    Cow::Owned(format!("{head}… ({chars} characters)"))
}

/// `message` with each `"quoted"` or `` `quoted` `` part of it [`cut`]: for messages of other
/// libraries (toml's) that quote the value they refuse.
pub fn cut_quoted(message: &str) -> Cow<'_, str> {
    if message.chars().count() <= MAX_ECHO_CHARS {
        return Cow::Borrowed(message);
    }
    let mut out = String::with_capacity(MAX_ECHO_CHARS * 2);
    let mut rest = message;
    while let Some(open) = rest.find(['"', '`']) {
        let quote = rest[open..].chars().next().expect("found");
        let body = &rest[open + 1..];
        let Some(close) = closing(body, quote) else {
            break;
        };
        out.push_str(&cut(&rest[..open]));
        out.push(quote);
        out.push_str(&cut(&body[..close]));
        out.push(quote);
        rest = &body[close + 1..];
    }
    out.push_str(&cut(rest));
    Cow::Owned(out)
}

/// Where the `quote` closing `text` is, skipping quotes escaped by a backslash.
fn closing(text: &str, quote: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            c if c == quote => return Some(i),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_cut_with_their_length() {
        assert_eq!(cut("short"), "short");
        let long = "é".repeat(200_000);
        let echoed = cut(&long);
        assert_eq!(echoed, format!("{}… (200000 characters)", "é".repeat(80)));
        let message = format!("invalid type: string \"{long}\", expected f64");
        assert_eq!(
            cut_quoted(&message),
            format!("invalid type: string \"{echoed}\", expected f64")
        );
        let escaped = format!("key `a\\`{}` is unknown", "b".repeat(100));
        assert_eq!(
            cut_quoted(&escaped),
            format!(
                "key `{}` is unknown",
                cut(&format!("a\\`{}", "b".repeat(100)))
            )
        );
    }
}
