package domain

import "testing"

// TestCleanText: names are trimmed NFC with bidirectional controls and
// invisible characters removed (docs/security.md, Names), so that the guard's screen and
// the printed badge show the same name.
func TestCleanText(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"plain", "Alice", "Alice"},
		{"trimmed", "  Alice \t\n", "Alice"},
		{"NFC", "Zoe\u0308", "Zoë"},
		{"diacritics kept", "Dragoș Țurcanu", "Dragoș Țurcanu"},
		{"right-to-left override", "Ali\u202Eecila", "Aliecila"},
		{"every embedding and override", "\u202AA\u202BB\u202CC\u202DD\u202EE", "ABCDE"},
		{"isolates", "\u2066A\u2067B\u2068C\u2069", "ABC"},
		{"marks", "A\u200EB\u200FC\u061CD", "ABCD"},
		{"zero-width space", "Al\u200Bice", "Alice"},
		{"word joiner", "Al\u2060ice", "Alice"},
		{"byte-order mark", "\uFEFFAlice", "Alice"},
		{"hidden before a space is trimmed with it", "\u200B Alice \u202E", "Alice"},
		{"removal lets NFC compose", "Zoe\u200B\u0308", "Zoë"},
		{"controls", "A\x00l\x1fi\x7fce", "Alice"},
		{"tab and newline inside kept", "a\tb\nc", "a\tb\nc"},
		{"joiners kept (Persian)", "می\u200Cخواهم", "می\u200Cخواهم"},
		{"right-to-left script kept", "عَلِيّ", "عَلِيّ"},
		{"only hidden", "\u202E\u200B\uFEFF", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := CleanText(c.in); got != c.want {
				t.Errorf("CleanText(%+q) = %+q, want %+q", c.in, got, c.want)
			}
		})
	}
}
