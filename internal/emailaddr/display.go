package emailaddr

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/runenames"
)

// safeDisplay is email-validator's safe_character_display: a visible
// character in Python's repr() quotes, anything else by its Unicode name
// (or U+XXXX when it has none).
func safeDisplay(c rune) string {
	if c == '\\' {
		return `"\"`
	}
	if unicode.In(c, unicode.L, unicode.N, unicode.P, unicode.S) {
		return pyRepr(string(c))
	}
	if name := runenames.Name(c); name != "" && !strings.HasPrefix(name, "<") {
		return name
	}
	if c < 0xffff {
		return fmt.Sprintf("U+%04X", c)
	}
	return fmt.Sprintf("U+%08X", c)
}

// displayList shows a set of characters as email-validator does: each
// displayed, duplicates dropped, sorted as Python sorts the displayed
// strings, joined with ", ".
func displayList(chars []rune) string {
	seen := map[string]bool{}
	var shown []string
	for _, c := range chars {
		if s := safeDisplay(c); !seen[s] {
			seen[s] = true
			shown = append(shown, s)
		}
	}
	slices.Sort(shown) // Python compares strings by code point; so does UTF-8 byte order
	return strings.Join(shown, ", ")
}

func sortRunes(rs []rune) { slices.Sort(rs) }

func uniqueRunes(rs []rune) []rune { return slices.Compact(rs) }

// pyRepr is Python's repr() of a str.
func pyRepr(s string) string {
	quote := byte('\'')
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		quote = '"'
	}
	var b strings.Builder
	b.WriteByte(quote)
	for _, c := range s {
		switch {
		case c == rune(quote) || c == '\\':
			b.WriteByte('\\')
			b.WriteRune(c)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case pyPrintable(c):
			b.WriteRune(c)
		case c < 0x100:
			fmt.Fprintf(&b, `\x%02x`, c)
		case c < 0x10000:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			fmt.Fprintf(&b, `\U%08x`, c)
		}
	}
	b.WriteByte(quote)
	return b.String()
}

// pyPrintable is Python's str.isprintable() for one character.
func pyPrintable(c rune) bool {
	if c == ' ' {
		return true
	}
	return unicode.In(c, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S)
}
