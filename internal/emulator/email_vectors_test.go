package emulator

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// Over HTTP, the emulator gives Polar's verdict for every address of
// Polar's own vectors: 422 with Polar's reason for the invalid ones, 200
// with the email stored in Polar's normal form for the valid ones. (An
// address with a NUL character gets the body-wide NUL error instead, which
// Polar's request model raises before the email validator runs.) Each
// valid address gets a fresh organization, so that no earlier customer with
// a similar address changes what is stored.
func TestEmulator_emails_vectorsOverHTTP(t *testing.T) {
	f, err := os.Open("../emailaddr/testdata/email-vectors.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	shared, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	assign := func(srv *Server, email string) *httptest.ResponseRecorder {
		body, _ := json.Marshal(map[string]any{"subscription_id": DemoSubscriptionID, "email": email})
		req := httptest.NewRequest(http.MethodPost, "/v1/customer-seats", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+DemoToken)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n, wrong := 0, 0
	for sc.Scan() {
		var v struct {
			Input, Normalized, Error string
			Valid                    bool
		}
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		n++
		if !v.Valid {
			rec := assign(shared, v.Input)
			var body struct {
				Detail []struct {
					Loc []any  `json:"loc"`
					Msg string `json:"msg"`
				} `json:"detail"`
			}
			_ = json.Unmarshal(rec.Body.Bytes(), &body)
			want := v.Error
			if strings.ContainsRune(v.Input, 0) {
				want = "Value error, This value contains invalid characters"
			}
			if rec.Code != http.StatusUnprocessableEntity || len(body.Detail) != 1 || body.Detail[0].Msg != want {
				wrong++
				if wrong <= 10 {
					t.Errorf("%q: %d %s, want 422 %q", v.Input, rec.Code, rec.Body.String(), v.Error)
				}
			}
			continue
		}
		srv, err := New(nil)
		if err != nil {
			t.Fatal(err)
		}
		rec := assign(srv, v.Input)
		var seat struct {
			Email string `json:"email"`
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &seat)
		if rec.Code != http.StatusOK || seat.Email != v.Normalized {
			wrong++
			if wrong <= 10 {
				t.Errorf("%q: %d %s, want 200 with email %q", v.Input, rec.Code, rec.Body.String(), v.Normalized)
			}
		}
	}
	if n < 7000 || wrong > 0 {
		t.Fatalf("%d of %d vectors answered differently from Polar", wrong, n)
	}
}
