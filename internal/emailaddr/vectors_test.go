package emailaddr

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// vector is one of Polar's own verdicts (testdata/email-vectors.jsonl):
// what pydantic + email-validator 2.3.0 answered for the input.
type vector struct {
	Input      string `json:"input"`
	Valid      bool   `json:"valid"`
	Normalized string `json:"normalized"`
	Error      string `json:"error"`
}

func loadVectors(t *testing.T) []vector {
	t.Helper()
	f, err := os.Open("testdata/email-vectors.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	var out []vector
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var v vector
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// Every address gets Polar's verdict and, when valid, Polar's normal form;
// when invalid, Polar's reason.
func TestNormalize_vectors_polar(t *testing.T) {
	vectors := loadVectors(t)
	if len(vectors) < 7000 {
		t.Fatalf("only %d vectors", len(vectors))
	}
	const prefix = "value is not a valid email address: "
	var verdict, form, reason int
	for _, v := range vectors {
		got, err := Normalize(v.Input)
		switch {
		case (err == nil) != v.Valid:
			verdict++
			if verdict <= 15 {
				t.Errorf("%q: valid=%v (%v), Polar says valid=%v %s", v.Input, err == nil, err, v.Valid, v.Error)
			}
		case v.Valid && got != v.Normalized:
			form++
			if form <= 15 {
				t.Errorf("%q: normal form %q, Polar stores %q", v.Input, got, v.Normalized)
			}
		case !v.Valid && prefix+err.Error() != v.Error && strings.TrimPrefix(v.Error, prefix) != v.Error:
			reason++
			if reason <= 15 {
				t.Errorf("%q: reason %q, Polar says %q", v.Input, err.Error(), strings.TrimPrefix(v.Error, prefix))
			}
		}
	}
	if verdict+form+reason > 0 {
		t.Fatalf("of %d vectors: %d verdicts, %d normal forms, %d reasons differ from Polar's", len(vectors), verdict, form, reason)
	}
}
