package emailaddr

import (
	"strings"
	"testing"
)

func TestNormalize_table_cases(t *testing.T) {
	ok := map[string]string{
		"alice@example.com":               "alice@example.com",
		"  Alice@Example.COM ":            "Alice@example.com",
		"Alice Smith <alice@Acme.IO>":     "alice@acme.io",
		"first.last+tag@sub.acme.io":      "first.last+tag@sub.acme.io",
		"o'brien@acme.io":                 "o'brien@acme.io",
		"josé@acme.io":                    "josé@acme.io",
		"user@xn--bcher-kva.example":      "user@bücher.example",
		"user@bücher.example":             "user@bücher.example",
		strings.Repeat("a", 65) + "@a.io": strings.Repeat("a", 65) + "@a.io", // 2.3.0: no 64-character local limit
	}
	for in, want := range ok {
		got, err := Normalize(in)
		if err != nil || got != want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := map[string]string{
		"":                                 "An email address must have an @-sign.",
		"nope":                             "An email address must have an @-sign.",
		"@acme.io":                         "There must be something before the @-sign.",
		"a@":                               "There must be something after the @-sign.",
		".a@acme.io":                       "cannot start with a period",
		"a.@acme.io":                       "period immediately before the @-sign",
		"a..b@acme.io":                     "two periods in a row",
		"a b@acme.io":                      "invalid characters before the @-sign: SPACE.",
		"a@acme":                           "It should have a period.",
		"a@localhost":                      "It should have a period.",
		"a@host.local":                     "special-use or reserved name",
		"a@acme.test":                      "special-use or reserved name",
		"a@-acme.io":                       "hyphen",
		"a@acme.123":                       "not within a valid top-level domain",
		"a@[127.0.0.1]":                    "bracketed IP address",
		"a@acme_corp.io":                   "invalid characters: '_'",
		strings.Repeat("a", 2049):          "Length must not exceed 2048 characters",
		strings.Repeat("a", 250) + "@a.io": "The email address is too long (1 character too many).",
	}
	for in, want := range bad {
		_, err := Normalize(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Normalize(%q) error %v, want it to contain %q", in, err, want)
		}
	}
	if !Equal("Alice@EXAMPLE.com", "alice@example.com") || Equal("a@acme.io", "b@acme.io") {
		t.Fatal("Equal compares case-insensitively, as Polar's lower(email) does")
	}
}

// FuzzNormalize: normalisation is idempotent and keeps a valid address valid.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"a@b.io", " X <Y@Z.IO> ", "é@ü.de", "a..b@c.d", "@", "a@b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Normalize(s)
		if err != nil {
			return
		}
		again, err := Normalize(n)
		if err != nil || again != n {
			t.Fatalf("Normalize(%q) = %q, then %q, %v", s, n, again, err)
		}
		if !strings.Contains(n, "@") || strings.TrimSpace(n) != n {
			t.Fatalf("Normalize(%q) = %q is not an address", s, n)
		}
	})
}
