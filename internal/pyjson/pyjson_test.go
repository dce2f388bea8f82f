package pyjson

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// Lengths computed with CPython's len(json.dumps(value)).
var pythonMeasured = []struct {
	m   map[string]string
	len int
}{
	{map[string]string{}, 2},
	{map[string]string{"a": "1"}, 10},
	{map[string]string{"k": strings.Repeat("x", 1015)}, 1024},
	{map[string]string{"é": "ü"}, 20},
	{map[string]string{"emoji": "😀"}, 25},
	{map[string]string{"q": "say \"hi\"\\n"}, 22},
	{map[string]string{"ctl": "\u0001\t\n"}, 21},
	{map[string]string{"a": "1", "b": "2", "c": "3"}, 30},
	{map[string]string{"日本": "語"}, 26},
	{map[string]string{"del": "\u007f"}, 17},
	{map[string]string{"slash": "a/b"}, 16},
}

var pythonMeasuredAny = []struct {
	json string
	len  int
}{
	{`{"n": 1}`, 8},
	{`{"f": 1.5}`, 10},
	{`{"big": 1e16}`, 14},
	{`{"small": 0.00001}`, 16},
	{`{"list": [1, "a", null, true]}`, 30},
	{`{"obj": {"x": {"y": []}}}`, 25},
	{`{"neg": -0.0}`, 13},
	{`{"int": 10000000000000000000000}`, 32},
}

func TestMetadataSize_vectors_matchPython(t *testing.T) {
	for _, c := range pythonMeasured {
		if got := StringMapLen(c.m); got != c.len {
			t.Errorf("StringMapLen(%q) = %d, Python says %d", c.m, got, c.len)
		}
		if got := Len(c.m); got != c.len {
			t.Errorf("Len(%q) = %d, Python says %d", c.m, got, c.len)
		}
	}
	for _, c := range pythonMeasuredAny {
		var v any
		dec := json.NewDecoder(strings.NewReader(c.json))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		if got := Len(v); got != c.len {
			t.Errorf("Len(%s) = %d (%s), Python says %d", c.json, got, Dumps(v), c.len)
		}
	}
}

// FuzzMetadataSize: the fast string-map measure (used at plan time) and the
// full json.dumps rendering (used by the emulator) agree, and the rendering
// is valid ASCII JSON that decodes back to the same map.
func FuzzMetadataSize(f *testing.F) {
	f.Add("k", "v", "k2", "v2")
	f.Add("é", "😀", "", "\x00")
	f.Add("\"", "\\", "\n\t", "\u2028")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		m := map[string]string{k1: v1, k2: v2}
		for k, v := range m {
			if !utf8.ValidString(k) || !utf8.ValidString(v) {
				return // Terraform strings are always valid UTF-8
			}
		}
		out := Dumps(m)
		if StringMapLen(m) != len(out) {
			t.Fatalf("StringMapLen %d != len(Dumps) %d for %q", StringMapLen(m), len(out), out)
		}
		for i := 0; i < len(out); i++ {
			if out[i] >= 0x80 {
				t.Fatalf("non-ASCII byte in %q", out)
			}
		}
		var back map[string]string
		if err := json.NewDecoder(bytes.NewReader([]byte(out))).Decode(&back); err != nil {
			t.Fatalf("invalid JSON %q: %v", out, err)
		}
		for k, v := range m {
			if back[k] != v {
				t.Fatalf("round trip %q: %q != %q", out, back[k], v)
			}
		}
	})
}
