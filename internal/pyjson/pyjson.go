// Package pyjson measures JSON the way Polar's server does: the length of
// Python's json.dumps(value) with its default ", " / ": " separators and
// ensure_ascii escaping, which is what the metadata "1KB" limit counts.
package pyjson

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
)

// MaxMetadataKeys and MaxMetadataSize are Polar's limits on seat metadata.
const (
	MaxMetadataKeys = 10
	MaxMetadataSize = 1024
)

// StringLen is the length of a JSON string literal for s as json.dumps
// writes it: quotes, escapes, and \uXXXX for every code unit above ASCII
// (two for a character outside the Basic Multilingual Plane).
func StringLen(s string) int {
	n := 2
	for _, r := range s {
		switch {
		case r == '"' || r == '\\' || r == '\n' || r == '\r' || r == '\t' || r == '\b' || r == '\f':
			n += 2
		case r < 0x20 || r == 0x7f: // ensure_ascii escapes all but ' '..'~'
			n += 6
		case r < 0x80:
			n++
		case r > 0xFFFF:
			n += 12
		default:
			n += 6
		}
	}
	return n
}

// StringMapLen is the json.dumps length of a map of strings.
func StringMapLen(m map[string]string) int {
	if len(m) == 0 {
		return 2
	}
	n := 2 + 2*(len(m)-1) // braces and ", " between items
	for k, v := range m {
		n += StringLen(k) + 2 + StringLen(v)
	}
	return n
}

// Dumps renders v (as decoded by encoding/json with UseNumber) like Python's
// json.dumps. Object keys keep the order given in keys when v came from
// DecodeOrdered; plain maps are written in sorted order (the length does not
// depend on order).
func Dumps(v any) string {
	var b strings.Builder
	write(&b, v)
	return b.String()
}

// Len is len(json.dumps(v)).
func Len(v any) int { return len(Dumps(v)) }

func write(b *strings.Builder, v any) {
	switch t := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		if t {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case json.Number:
		b.WriteString(pyNumber(string(t)))
	case float64:
		b.WriteString(pyFloat(t))
	case string:
		writeString(b, t)
	case []any:
		b.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				b.WriteString(", ")
			}
			write(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			writeString(b, k)
			b.WriteString(": ")
			write(b, t[k])
		}
		b.WriteByte('}')
	case map[string]string:
		m := make(map[string]any, len(t))
		for k, s := range t {
			m[k] = s
		}
		write(b, m)
	default:
		writeString(b, fmt.Sprint(t))
	}
}

func writeString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			switch {
			case r < 0x20 || r == 0x7f:
				fmt.Fprintf(b, `\u%04x`, r)
			case r < 0x80:
				b.WriteRune(r)
			case r > 0xFFFF:
				r1, r2 := utf16.EncodeRune(r)
				fmt.Fprintf(b, `\u%04x\u%04x`, r1, r2)
			default:
				fmt.Fprintf(b, `\u%04x`, r)
			}
		}
	}
	b.WriteByte('"')
}

// pyNumber renders a JSON number literal as Python re-serialises it: an
// integer literal stays as written (minus a "-0" sign), anything with a
// fraction or exponent becomes a float and is printed with repr().
func pyNumber(lit string) string {
	if !strings.ContainsAny(lit, ".eE") {
		return pyInt(lit)
	}
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil && !math.IsInf(f, 0) {
		return lit
	}
	return pyFloat(f)
}

// pyInt is Python's str(int(lit)) for a JSON integer literal.
func pyInt(lit string) string {
	digits := strings.TrimLeft(strings.TrimPrefix(lit, "-"), "0")
	switch {
	case digits == "":
		return "0"
	case strings.HasPrefix(lit, "-"):
		return "-" + digits
	default:
		return digits
	}
}

// pyFloat is Python's repr(float).
func pyFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case math.IsNaN(f):
		return "NaN"
	}
	if f == 0 {
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	exp := math.Floor(math.Log10(math.Abs(f)))
	// The shortest round-trip digits decide the exponent.
	sci := strconv.FormatFloat(f, 'e', -1, 64)
	if i := strings.IndexByte(sci, 'e'); i >= 0 {
		if e, err := strconv.Atoi(sci[i+1:]); err == nil {
			exp = float64(e)
		}
	}
	if exp < -4 || exp >= 16 {
		mant, e, _ := strings.Cut(sci, "e")
		sign := e[0]
		e = strings.TrimLeft(e[1:], "0")
		if len(e) < 2 {
			e = strings.Repeat("0", 2-len(e)) + e
		}
		return mant + "e" + string(sign) + e
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}
